#include "station/identity/parse_command.hpp"

#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "station/identity/gs1_dates.hpp"
#include "station/identity/identity.hpp"
#include "station/identity/identity_json.hpp"

namespace station::identity {

namespace {

struct ParseCommandOptions {
    bool json = false;
    std::string gsSubstitute;
    std::string today;
    std::string symbology;
    std::vector<std::string> serialPatterns;
    std::string data;
};

ParseOptions toParseOptions(const ParseCommandOptions& command) {
    ParseOptions options;
    if (!command.gsSubstitute.empty()) {
        options.gsSubstitute = command.gsSubstitute.front();
    }
    if (!command.today.empty()) {
        options.today = *parseIsoDate(command.today);
    }
    for (const auto& pattern : command.serialPatterns) {
        auto equals = pattern.find('=');
        options.serialPatterns.push_back({pattern.substr(0, equals), pattern.substr(equals + 1)});
    }
    return options;
}

void runParse(const ParseCommandOptions& command, std::istream& in, std::ostream& out) {
    std::string data = command.data;
    if (data == "-") {
        data.assign(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
    }

    auto result = parseScan(data, command.symbology, toParseOptions(command));
    if (result.ok()) {
        if (command.json) {
            out << dumpJson(identityToJson(result.identity())) << '\n';
        } else {
            out << describeIdentity(result.identity());
        }
        return;
    }

    const auto& error = result.error();
    if (command.json) {
        out << dumpJson(parseErrorToJson(error)) << '\n';
        throw CLI::RuntimeError("", 1);
    }
    throw CLI::RuntimeError("Rejected scan (" + error.kind + " at byte " +
                                std::to_string(error.offset) + "): " + error.message,
                            1);
}

}  // namespace

void addParseCommand(CLI::App& app) {
    addParseCommand(app, std::cin, std::cout);
}

void addParseCommand(CLI::App& app, std::istream& in, std::ostream& out) {
    auto command = std::make_shared<ParseCommandOptions>();
    auto* parse = app.add_subcommand(
        "parse", "Parse one scan as the station would and print the identity it carries");
    parse->add_flag("--json", command->json, "Print one JSON object instead of text");
    parse
        ->add_option("--gs-substitute", command->gsSubstitute,
                     "Character the scanner sends in place of GS (0x1D)")
        ->check([](const std::string& value) {
            return value.size() == 1 ? std::string{} : "expected exactly one character";
        });
    parse
        ->add_option("--today", command->today,
                     "Date used for the two-digit year window, as YYYY-MM-DD (default: today)")
        ->check([](const std::string& value) {
            return parseIsoDate(value) ? std::string{} : "expected a date YYYY-MM-DD";
        });
    parse->add_option("--symbology", command->symbology,
                      "AIM symbology identifier reported by the scanner, such as ]d2");
    parse
        ->add_option("--serial-pattern", command->serialPatterns,
                     "Serial pattern of a SKU for plain codes, as SKU=REGEX (repeatable)")
        ->check([](const std::string& value) {
            return value.find('=') != std::string::npos ? std::string{} : "expected SKU=REGEX";
        });
    parse->add_option("DATA", command->data, "Scan content, or - to read raw bytes from stdin")
        ->required();
    parse->callback([command, &in, &out] { runParse(*command, in, out); });
}

}  // namespace station::identity
