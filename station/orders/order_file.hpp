#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "station/store/records.hpp"

namespace station::orders {

// An order file that cannot be used. what() names the file and the field.
class OrderFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses one order in JSON:
//   {"order": "SO-1001", "customer_ref": "C-77",
//    "lines": [{"gtin": "09506000134352", "quantity": 2, "serial_required": true}, ...]}
// `source` names the file in error messages. Throws OrderFileError on any schema problem.
store::Order parseOrderJson(std::string_view text, const std::string& source);

// Parses orders in CSV, one order line per row, rows of the same order together:
//   order,customer_ref,gtin,sku,quantity,serial_required,lot_required,expiry_required,
//   min_shelf_life_days
// The header row is required and names the columns, in any order; only order and quantity
// are required columns. Booleans are true/false, yes/no or 1/0. Throws OrderFileError naming
// the file, the line and the column.
std::vector<store::Order> parseOrderCsv(std::string_view text, const std::string& source);

// Reads and parses one order file: a .json file contains one order, a .csv file one or more.
std::vector<store::Order> readOrderFile(const std::filesystem::path& file);

}  // namespace station::orders
