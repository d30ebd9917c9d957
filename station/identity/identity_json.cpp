#include "station/identity/identity_json.hpp"

#include "station/identity/gs1_dates.hpp"
#include "station/identity/gs1_element_string.hpp"
#include "station/identity/parse_support.hpp"

namespace station::identity {

namespace {

// The identity fields in output order, with their JSON names.
template <typename Visitor>
void visitFields(const Identity& identity, Visitor&& visit) {
    auto date = [](const std::optional<std::chrono::year_month_day>& value) {
        return value ? formatDate(*value) : std::string{};
    };
    visit("gtin", identity.gtin);
    visit("sscc", identity.sscc);
    visit("sku", identity.sku);
    visit("serial", identity.serial);
    visit("lot", identity.lot);
    visit("expiry", date(identity.expiry));
    visit("best_before", date(identity.bestBefore));
    visit("production_date", date(identity.productionDate));
    visit("quantity", identity.quantity ? std::to_string(*identity.quantity) : std::string{});
    visit("part_number", identity.partNumber);
    visit("labeler", identity.labeler);
    visit("product", identity.product);
    visit("unit_of_measure", identity.unitOfMeasure);
}

}  // namespace

nlohmann::ordered_json identityToJson(const Identity& identity) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    json["format"] = formatName(identity.format);
    if (!identity.symbology.empty()) {
        json["symbology"] = identity.symbology;
    }
    visitFields(identity, [&](const char* name, const std::string& value) {
        if (value.empty()) {
            return;
        }
        if (identity.quantity && std::string_view{name} == "quantity") {
            json[name] = *identity.quantity;
        } else {
            json[name] = value;
        }
    });
    if (identity.matchingSkus.size() > 1) {
        json["matching_skus"] = identity.matchingSkus;
    }

    json["elements"] = nlohmann::ordered_json::array();
    for (const auto& element : identity.elements) {
        json["elements"].push_back({{"id", element.id}, {"value", element.value}});
    }
    return json;
}

nlohmann::ordered_json parseErrorToJson(const ParseError& error) {
    return {
        {"error", {{"kind", error.kind}, {"message", error.message}, {"offset", error.offset}}}};
}

std::string dumpJson(const nlohmann::ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string describeIdentity(const Identity& identity) {
    std::string text{formatName(identity.format)};
    if (!identity.symbology.empty()) {
        text += " (" + identity.symbology + ")";
    }
    text += "\n";

    bool gs1Elements = identity.format == Format::Gs1 || identity.format == Format::Gs1DigitalLink;
    if (gs1Elements) {
        text += gs1HumanReadable(identity.elements) + "\n";
    }
    visitFields(identity, [&](const char* name, const std::string& value) {
        if (!value.empty()) {
            text += std::string{name} + ": " + escapeForMessage(value) + "\n";
        }
    });
    if (!gs1Elements) {
        for (const auto& element : identity.elements) {
            text += "  " + element.id + " = " + escapeForMessage(element.value) + "\n";
        }
    }
    return text;
}

}  // namespace station::identity
