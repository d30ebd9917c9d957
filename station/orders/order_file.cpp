#include "station/orders/order_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "station/csv.hpp"
#include "station/identity/parse_support.hpp"

namespace station::orders {
namespace {

using Json = nlohmann::json;

bool isGtinShape(const std::string& text) {
    if (text.size() != 8 && text.size() != 12 && text.size() != 13 && text.size() != 14) {
        return false;
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

bool validGtinCheckDigit(const std::string& gtin14) {
    int sum = 0;
    for (std::size_t i = 0; i + 1 < gtin14.size(); ++i) {
        int digit = gtin14[i] - '0';
        // From the right, excluding the check digit, weights alternate 3, 1, 3, ...
        sum += ((gtin14.size() - 1 - i) % 2 == 1) ? digit * 3 : digit;
    }
    return (10 - sum % 10) % 10 == gtin14.back() - '0';
}

// The maximum length in bytes of an order number, customer reference, GTIN or SKU. Labels
// print these fields and ZPL rejects field data over 3072 bytes, so 256 leaves room and stops
// a runaway export from filling the store.
constexpr std::size_t kMaxTextBytes = 256;

// Rejects order text with a control character, because the text reaches log lines, labels and
// the operator page, where a line break would start a fake log line. The message escapes the value.
void requirePrintable(const std::string& value, const std::string& where, std::string_view name) {
    if (value.size() > kMaxTextBytes) {
        throw OrderFileError(fmt::format(
            "{}: \"{}\" is invalid because it is {} bytes long; the limit is {}. Correct it in "
            "the order system and send the order again",
            where, name, value.size(), kMaxTextBytes));
    }
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            throw OrderFileError(fmt::format(
                "{}: \"{}\" is invalid because \"{}\" contains a control character. Correct it "
                "in the order system and send the order again",
                where, name, identity::escapeForMessage(value)));
        }
    }
}

std::string readString(const Json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return {};
    }
    if (!it->is_string()) {
        throw OrderFileError(fmt::format("{}: \"{}\" must be a string", where, key));
    }
    std::string value = it->get<std::string>();
    requirePrintable(value, where, key);
    return value;
}

bool readBool(const Json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) {
        return false;
    }
    if (!it->is_boolean()) {
        throw OrderFileError(fmt::format("{}: \"{}\" must be true or false", where, key));
    }
    return it->get<bool>();
}

int readCount(const Json& object, const char* key, const std::string& where, int min, int max,
              int fallback) {
    auto it = object.find(key);
    if (it == object.end()) {
        return fallback;
    }
    if (!it->is_number_integer()) {
        throw OrderFileError(fmt::format("{}: \"{}\" must be a whole number", where, key));
    }
    auto value = it->get<long long>();
    if (value < min || value > max) {
        throw OrderFileError(
            fmt::format("{}: \"{}\" is {}; allowed is {} to {}", where, key, value, min, max));
    }
    return static_cast<int>(value);
}

store::OrderLine readLine(const Json& object, int lineNo, const std::string& where) {
    static const std::set<std::string> kKeys = {"gtin",
                                                "sku",
                                                "quantity",
                                                "serial_required",
                                                "lot_required",
                                                "expiry_required",
                                                "min_shelf_life_days"};
    if (!object.is_object()) {
        throw OrderFileError(fmt::format("{}: must be an object", where));
    }
    for (const auto& [key, value] : object.items()) {
        if (!kKeys.contains(key)) {
            throw OrderFileError(
                fmt::format("{}: unknown key \"{}\"", where, identity::escapeForMessage(key)));
        }
    }

    store::OrderLine line;
    line.lineNo = lineNo;
    line.gtin = readString(object, "gtin", where);
    line.sku = readString(object, "sku", where);
    if (line.gtin.empty() && line.sku.empty()) {
        throw OrderFileError(fmt::format("{}: needs a \"gtin\" or a \"sku\"", where));
    }
    if (!line.gtin.empty()) {
        if (!isGtinShape(line.gtin)) {
            throw OrderFileError(
                fmt::format("{}: gtin \"{}\" must be 8, 12, 13 or 14 digits", where, line.gtin));
        }
        line.gtin.insert(0, 14 - line.gtin.size(), '0');
        if (!validGtinCheckDigit(line.gtin)) {
            throw OrderFileError(
                fmt::format("{}: gtin \"{}\" has a wrong check digit", where, line.gtin));
        }
    }
    line.quantity = readCount(object, "quantity", where, 1, 100000, 0);
    if (line.quantity == 0) {
        throw OrderFileError(fmt::format("{}: needs \"quantity\" of at least 1", where));
    }
    line.serialRequired = readBool(object, "serial_required", where);
    line.lotRequired = readBool(object, "lot_required", where);
    line.expiryRequired = readBool(object, "expiry_required", where);
    line.minShelfLifeDays = readCount(object, "min_shelf_life_days", where, 0, 36500, 0);
    return line;
}

}  // namespace

store::Order parseOrderJson(std::string_view text, const std::string& source) {
    Json document;
    try {
        document = Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw OrderFileError(
            fmt::format("{}: invalid JSON at byte {}: {}", source, error.byte, error.what()));
    }
    if (!document.is_object()) {
        throw OrderFileError(fmt::format("{}: the top level must be an object", source));
    }
    static const std::set<std::string> kKeys = {"order", "customer_ref", "lines"};
    for (const auto& [key, value] : document.items()) {
        if (!kKeys.contains(key)) {
            throw OrderFileError(
                fmt::format("{}: unknown key \"{}\"", source, identity::escapeForMessage(key)));
        }
    }

    store::Order order;
    order.number = readString(document, "order", source);
    if (order.number.empty()) {
        throw OrderFileError(fmt::format("{}: needs \"order\", the order number", source));
    }
    order.customerRef = readString(document, "customer_ref", source);
    order.source = source;
    order.hasLines = true;

    auto lines = document.find("lines");
    if (lines == document.end() || !lines->is_array() || lines->empty()) {
        throw OrderFileError(fmt::format("{}: needs \"lines\", a non-empty array", source));
    }
    int lineNo = 1;
    for (const Json& line : *lines) {
        std::string where = fmt::format("{}: lines[{}]", source, lineNo - 1);
        order.lines.push_back(readLine(line, lineNo, where));
        ++lineNo;
    }
    return order;
}

std::vector<store::Order> parseOrderCsv(std::string_view text, const std::string& source) {
    std::vector<std::string> rows;
    std::string row;
    for (char c : text) {
        if (c == '\n') {
            rows.push_back(std::move(row));
            row.clear();
        } else if (c != '\r') {
            row.push_back(c);
        }
    }
    if (!row.empty()) {
        rows.push_back(std::move(row));
    }
    if (rows.empty()) {
        throw OrderFileError(fmt::format("{}: the file is empty", source));
    }

    static const std::set<std::string> kColumns = {
        "order",        "customer_ref",    "gtin",
        "sku",          "quantity",        "serial_required",
        "lot_required", "expiry_required", "min_shelf_life_days"};
    std::vector<std::string> header = splitCsvRow(rows[0]);
    for (const std::string& column : header) {
        if (!kColumns.contains(column)) {
            throw OrderFileError(fmt::format("{}:1: unknown column \"{}\"", source,
                                             identity::escapeForMessage(column)));
        }
    }
    for (const char* required : {"order", "quantity"}) {
        if (std::find(header.begin(), header.end(), required) == header.end()) {
            throw OrderFileError(
                fmt::format("{}:1: the header needs a \"{}\" column", source, required));
        }
    }

    std::vector<store::Order> orders;
    for (std::size_t index = 1; index < rows.size(); ++index) {
        if (rows[index].find_first_not_of(" \t") == std::string::npos) {
            continue;
        }
        const std::string where = fmt::format("{}:{}", source, index + 1);
        std::vector<std::string> cells = splitCsvRow(rows[index]);
        if (cells.size() != header.size()) {
            throw OrderFileError(fmt::format("{}: expected {} fields, found {}", where,
                                             header.size(), cells.size()));
        }
        Json line = Json::object();
        std::string number;
        std::string customer;
        for (std::size_t column = 0; column < header.size(); ++column) {
            const std::string& name = header[column];
            const std::string& cell = cells[column];
            requirePrintable(cell, where, name);
            if (name == "order") {
                number = cell;
            } else if (name == "customer_ref") {
                customer = cell;
            } else if (name == "gtin" || name == "sku") {
                if (!cell.empty()) {
                    line[name] = cell;
                }
            } else if (name == "quantity" || name == "min_shelf_life_days") {
                if (!cell.empty()) {
                    try {
                        std::size_t used = 0;
                        long long value = std::stoll(cell, &used);
                        if (used != cell.size()) {
                            throw std::invalid_argument(cell);
                        }
                        line[name] = value;
                    } catch (const std::exception&) {
                        throw OrderFileError(
                            fmt::format("{}: {} \"{}\" is not a whole number", where, name, cell));
                    }
                }
            } else if (!cell.empty()) {
                if (cell == "true" || cell == "yes" || cell == "1") {
                    line[name] = true;
                } else if (cell == "false" || cell == "no" || cell == "0") {
                    line[name] = false;
                } else {
                    throw OrderFileError(fmt::format(
                        "{}: {} \"{}\" must be true/false, yes/no or 1/0", where, name, cell));
                }
            }
        }
        if (number.empty()) {
            throw OrderFileError(fmt::format("{}: the order number is empty", where));
        }
        if (orders.empty() || orders.back().number != number) {
            for (const store::Order& earlier : orders) {
                if (earlier.number == number) {
                    throw OrderFileError(
                        fmt::format("{}: the rows of order {} must be together", where, number));
                }
            }
            store::Order order;
            order.number = number;
            order.customerRef = customer;
            order.source = source;
            order.hasLines = true;
            orders.push_back(std::move(order));
        }
        store::Order& order = orders.back();
        order.lines.push_back(readLine(line, static_cast<int>(order.lines.size()) + 1, where));
    }
    if (orders.empty()) {
        throw OrderFileError(fmt::format("{}: no order rows below the header", source));
    }
    return orders;
}

std::vector<store::Order> readOrderFile(const std::filesystem::path& file) {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
        throw OrderFileError(fmt::format("{}: cannot be read", file.string()));
    }
    std::ostringstream text;
    text << stream.rdbuf();
    if (file.extension() == ".csv") {
        return parseOrderCsv(text.str(), file.string());
    }
    return {parseOrderJson(text.str(), file.string())};
}

}  // namespace station::orders
