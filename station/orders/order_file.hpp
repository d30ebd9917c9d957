#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

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

// Reads and parses one order file (.json).
store::Order readOrderFile(const std::filesystem::path& file);

}  // namespace station::orders
