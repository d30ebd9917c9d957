#include "station/identity/gs1_digital_link.hpp"

#include <algorithm>
#include <vector>

#include "station/identity/gs1_ai_table.hpp"
#include "station/identity/gs1_dates.hpp"
#include "station/identity/gs1_element_string.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

std::string quoted(std::string_view value) {
    return "\"" + escapeForMessage(value) + "\"";
}

// A primary key and the key qualifiers that may follow it in the path. Each sequence lists
// qualifiers in their required order, and any of them may be left out. For GTIN the
// sequences are 22, 10, 21 or 235 alone.
struct PrimaryKey {
    std::string_view ai;
    std::vector<std::vector<std::string_view>> sequences;
};

// The primary keys and key qualifiers of the GS1 Digital Link standard, as the "dlpkey" keys
// of the GS1 Barcode Syntax Dictionary list them.
const std::vector<PrimaryKey>& primaryKeys() {
    static const std::vector<PrimaryKey> keys = {
        {"01", {{"22", "10", "21"}, {"235"}}},
        {"8006", {{"22", "10", "21"}}},
        {"8010", {{"8011"}}},
        {"414", {{"254"}, {"7040"}}},
        {"415", {{"8020"}}},
        {"417", {{"7040"}}},
        {"8004", {{"7040"}}},
        {"8017", {{"8019"}}},
        {"8018", {{"8019"}}},
        {"00", {}},
        {"253", {}},
        {"255", {}},
        {"401", {}},
        {"402", {}},
        {"8003", {}},
        {"8013", {}},
    };
    return keys;
}

const PrimaryKey* findPrimaryKey(std::string_view ai) {
    for (const auto& key : primaryKeys()) {
        if (key.ai == ai) {
            return &key;
        }
    }
    return nullptr;
}

bool isQualifierOf(const PrimaryKey& key, std::string_view ai) {
    for (const auto& sequence : key.sequences) {
        if (std::find(sequence.begin(), sequence.end(), ai) != sequence.end()) {
            return true;
        }
    }
    return false;
}

std::string describeSequences(const PrimaryKey& key) {
    std::string text;
    for (const auto& sequence : key.sequences) {
        text += text.empty() ? "" : " or ";
        for (std::size_t i = 0; i < sequence.size(); ++i) {
            text += (i == 0 ? "" : ", ") + std::string{sequence[i]};
        }
    }
    return text.empty() ? "none" : text;
}

bool isUnreservedOrAllowed(char c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    return alnum || std::string_view{"-._~%!$&'()*+,;=:@/?#"}.find(c) != std::string_view::npos;
}

struct Segment {
    std::string_view text;
    std::size_t offset;  // in `content`
};

std::vector<Segment> splitSegments(std::string_view text, std::size_t offset, char separator) {
    std::vector<Segment> segments;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = std::min(text.find(separator, pos), text.size());
        segments.push_back(Segment{text.substr(pos, end - pos), offset + pos});
        pos = end + 1;
    }
    return segments;
}

bool isAllDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class DigitalLinkParser {
public:
    DigitalLinkParser(std::string_view content, std::size_t offset, const ParseOptions& options)
        : content_(content), offset_(offset), today_(effectiveToday(options.today)) {}

    ParseResult parse() {
        for (std::size_t i = 0; i < content_.size(); ++i) {
            if (!isUnreservedOrAllowed(content_[i])) {
                return makeError("invalid_character",
                                 "GS1 Digital Link URI contains " + quoted(content_.substr(i, 1)) +
                                     ", which is not allowed in a URI",
                                 offset_ + i);
            }
        }

        auto schemeEnd = content_.find("://");
        auto pathStart = content_.find('/', schemeEnd + 3);
        if (pathStart == std::string_view::npos || pathStart == schemeEnd + 3) {
            return makeError("missing_primary_key",
                             "GS1 Digital Link URI " + quoted(content_) +
                                 " has no domain or no path with a primary key",
                             offset_);
        }
        auto queryStart = std::min(content_.find('?', pathStart), content_.size());
        auto fragmentStart = std::min(content_.find('#', pathStart), content_.size());
        queryStart = std::min(queryStart, fragmentStart);

        if (auto error = parsePath(content_.substr(pathStart + 1, queryStart - pathStart - 1),
                                   pathStart + 1)) {
            return *error;
        }
        if (queryStart < fragmentStart) {
            auto query = content_.substr(queryStart + 1, fragmentStart - queryStart - 1);
            if (auto error = parseQuery(query, queryStart + 1)) {
                return *error;
            }
        }
        if (auto error = checkGs1ElementRelations(parsed_)) {
            return *error;
        }

        Identity identity;
        identity.format = Format::Gs1DigitalLink;
        identity.content = std::string{content_};
        applyGs1Elements(parsed_.elements, today_, identity);
        identity.elements = std::move(parsed_.elements);
        return identity;
    }

private:
    std::optional<ParseError> parsePath(std::string_view path, std::size_t at) {
        auto segments = splitSegments(path, at, '/');
        // Ignore one trailing slash.
        if (segments.size() > 1 && segments.back().text.empty()) {
            segments.pop_back();
        }

        // The primary key is the first AI segment that only key qualifiers follow. Everything
        // before it is the path stem.
        for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
            const auto* key = findPrimaryKey(segments[i].text);
            if (key == nullptr || (segments.size() - i) % 2 != 0 ||
                !qualifiersInOrder(*key, segments, i + 2)) {
                continue;
            }
            for (std::size_t j = i; j < segments.size(); j += 2) {
                if (auto error = addElement(segments[j], segments[j + 1], j == i)) {
                    return error;
                }
            }
            pathElementCount_ = parsed_.elements.size();
            return std::nullopt;
        }
        return explainMissingKey(segments);
    }

    bool qualifiersInOrder(const PrimaryKey& key, const std::vector<Segment>& segments,
                           std::size_t first) const {
        if (first >= segments.size()) {
            return true;
        }
        for (const auto& sequence : key.sequences) {
            std::size_t next = 0;
            bool matches = true;
            for (std::size_t j = first; j < segments.size() && matches; j += 2) {
                while (next < sequence.size() && sequence[next] != segments[j].text) {
                    ++next;
                }
                matches = next < sequence.size();
                ++next;
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    ParseError explainMissingKey(const std::vector<Segment>& segments) const {
        for (std::size_t i = 0; i < segments.size(); ++i) {
            const auto* key = findPrimaryKey(segments[i].text);
            if (key == nullptr) {
                continue;
            }
            if (i + 1 == segments.size()) {
                return makeError("value_too_short",
                                 "GS1 Digital Link primary key AI (" +
                                     std::string{segments[i].text} + ") has no value",
                                 offset_ + segments[i].offset);
            }
            if ((segments.size() - i) % 2 != 0) {
                return makeError("invalid_structure",
                                 "GS1 Digital Link path after AI (" +
                                     std::string{segments[i].text} +
                                     ") must be pairs of AI and value",
                                 offset_ + segments[i].offset);
            }
            return makeError("invalid_qualifier_order",
                             "GS1 Digital Link key qualifiers after AI (" + std::string{key->ai} +
                                 ") must be, in this order: " + describeSequences(*key),
                             offset_ + segments[i + 2].offset);
        }
        return makeError("missing_primary_key",
                         "GS1 Digital Link URI " + quoted(content_) +
                             " has no primary key such as /01/ followed by a GTIN in its path",
                         offset_);
    }

    std::optional<ParseError> addElement(const Segment& aiSegment, const Segment& valueSegment,
                                         bool primary) {
        const auto* ai = findGs1Ai(aiSegment.text);
        if (ai == nullptr || ai->ai != aiSegment.text) {
            return makeError("unknown_ai",
                             "GS1 Digital Link names an unknown AI " + quoted(aiSegment.text),
                             offset_ + aiSegment.offset);
        }
        auto value = percentDecode(valueSegment.text);
        if (!value) {
            return makeError("invalid_character",
                             "GS1 Digital Link value " + quoted(valueSegment.text) + " of AI (" +
                                 ai->ai + ") has a '%' without two hex digits",
                             offset_ + valueSegment.offset);
        }
        // GTIN-8, GTIN-12 and GTIN-13 in a Digital Link are padded to 14 digits.
        if (primary && ai->ai == "01" && isAllDigits(*value) &&
            (value->size() == 8 || value->size() == 12 || value->size() == 13)) {
            value->insert(0, 14 - value->size(), '0');
        }
        if (auto error = validateGs1Value(*ai, *value, offset_ + valueSegment.offset, today_)) {
            return error;
        }
        parsed_.elements.push_back(Element{ai->ai, std::move(*value)});
        parsed_.offsets.push_back(offset_ + aiSegment.offset);
        return std::nullopt;
    }

    std::optional<ParseError> parseQuery(std::string_view query, std::size_t at) {
        for (const auto& parameter : splitSegments(query, at, '&')) {
            auto equals = parameter.text.find('=');
            auto key = parameter.text.substr(0, equals);
            // Other parameters, such as linkType, are not data attributes.
            if (!isAllDigits(key)) {
                continue;
            }
            if (equals == std::string_view::npos) {
                return makeError(
                    "value_too_short",
                    "GS1 Digital Link data attribute AI (" + std::string{key} + ") has no value",
                    offset_ + parameter.offset);
            }
            if (findPrimaryKey(key) != nullptr && findGs1Ai(key) != nullptr) {
                return makeError("invalid_structure",
                                 "GS1 Digital Link primary key AI (" + std::string{key} +
                                     ") must be in the path, not in the query",
                                 offset_ + parameter.offset);
            }
            if (isPathQualifier(key)) {
                return makeError("invalid_structure",
                                 "GS1 Digital Link key qualifier AI (" + std::string{key} +
                                     ") must be in the path, not in the query",
                                 offset_ + parameter.offset);
            }
            Segment aiSegment{key, parameter.offset};
            Segment valueSegment{parameter.text.substr(equals + 1), parameter.offset + equals + 1};
            if (auto error = addElement(aiSegment, valueSegment, false)) {
                return error;
            }
        }
        return std::nullopt;
    }

    bool isPathQualifier(std::string_view ai) const {
        if (pathElementCount_ == 0) {
            return false;
        }
        return isQualifierOf(*findPrimaryKey(parsed_.elements.front().id), ai);
    }

    std::string_view content_;
    std::size_t offset_;
    std::chrono::year_month_day today_;
    Gs1Elements parsed_;
    std::size_t pathElementCount_ = 0;
};

}  // namespace

bool looksLikeUri(std::string_view content) {
    auto startsWithNoCase = [&](std::string_view prefix) {
        if (content.size() < prefix.size()) {
            return false;
        }
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            char c = content[i];
            if (c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
            if (c != prefix[i]) {
                return false;
            }
        }
        return true;
    };
    return startsWithNoCase("http://") || startsWithNoCase("https://");
}

std::optional<std::string> percentDecode(std::string_view text) {
    auto hexValue = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };

    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            decoded.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size() || hexValue(text[i + 1]) < 0 || hexValue(text[i + 2]) < 0) {
            return std::nullopt;
        }
        decoded.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
        i += 2;
    }
    return decoded;
}

ParseResult parseGs1DigitalLink(std::string_view content, std::size_t offset,
                                const ParseOptions& options) {
    return DigitalLinkParser{content, offset, options}.parse();
}

}  // namespace station::identity
