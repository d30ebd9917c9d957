// Scans parsed per second for each format, next to a baseline that only splits a GS1 element
// string at GS without any validation, so the cost of the rules shows as a ratio.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "station/identity/identity.hpp"

namespace {

using namespace station::identity;
using namespace std::chrono_literals;

const std::string kGs1 =
    "0109506000134352"
    "17261231"
    "10ABC123\x1d"
    "21SN-000123456";
const std::string kGs1WithoutGs =
    "0109506000134352"
    "17261231"
    "21SN-000123456";
const std::string kHumanReadable = "(01)09506000134352(17)261231(10)ABC123(21)SN-000123456";
const std::string kDigitalLink =
    "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN-000123456?17=261231";
const std::string kIso15434 =
    "[)>\x1e"
    "06\x1d"
    "1PLAPTOP-15\x1d"
    "SC02XK1ABJGH5\x1d"
    "1TLOT77\x1d"
    "Q1\x1d"
    "14D20281130\x1e\x04";
const std::string kHibc = "+A123PROD1/$$8053261231LOT1R";
const std::string kPlain = "BT12345678";

ParseOptions benchOptions() {
    ParseOptions options;
    options.today = std::chrono::year_month_day{2026y, std::chrono::June, 15d};
    return options;
}

void runParse(benchmark::State& state, const std::string& scan, std::string_view symbology,
              const ParseOptions& options) {
    for (auto _ : state) {
        auto result = parseScan(scan, symbology, options);
        if (!result.ok()) {
            state.SkipWithError(result.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_SplitAtGsBaseline(benchmark::State& state) {
    for (auto _ : state) {
        std::vector<std::string_view> parts;
        std::string_view rest = kGs1;
        while (!rest.empty()) {
            auto end = rest.find('\x1d');
            parts.push_back(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        }
        benchmark::DoNotOptimize(parts);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_Gs1ElementString(benchmark::State& state) {
    runParse(state, kGs1, "]d2", benchOptions());
}

void BM_Gs1WithoutGsSeparators(benchmark::State& state) {
    runParse(state, kGs1WithoutGs, "]d2", benchOptions());
}

void BM_Gs1HumanReadable(benchmark::State& state) {
    runParse(state, kHumanReadable, "", benchOptions());
}

void BM_Gs1DigitalLink(benchmark::State& state) {
    runParse(state, kDigitalLink, "]Q1", benchOptions());
}

void BM_Iso15434(benchmark::State& state) {
    runParse(state, kIso15434, "]d1", benchOptions());
}

void BM_Hibc(benchmark::State& state) {
    runParse(state, kHibc, "]C0", benchOptions());
}

void BM_PlainWithSerialPatterns(benchmark::State& state) {
    auto options = benchOptions();
    options.serialPatterns = {{"SKU-BATTERY", "BT[0-9]{8}"},
                              {"SKU-CHARGER", "CH-[A-Z]{2}[0-9]{6}"}};
    runParse(state, kPlain, "]C0", options);
}

BENCHMARK(BM_SplitAtGsBaseline);
BENCHMARK(BM_Gs1ElementString);
BENCHMARK(BM_Gs1WithoutGsSeparators);
BENCHMARK(BM_Gs1HumanReadable);
BENCHMARK(BM_Gs1DigitalLink);
BENCHMARK(BM_Iso15434);
BENCHMARK(BM_Hibc);
BENCHMARK(BM_PlainWithSerialPatterns);

}  // namespace

BENCHMARK_MAIN();
