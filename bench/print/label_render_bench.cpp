// Labels rendered per second for each shipped template, against a baseline that formats the
// same carton label with fmt directly (no template, no validation, no escaping). The ratio of
// the two is the cost of rendering through templates and the escaping function.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "print/label_template.hpp"
#include "print/zpl_escape.hpp"

namespace {

using station::print::LabelData;
using station::print::LabelTemplate;

LabelData sampleData(int units) {
    LabelData data;
    data.fields = {
        {"order", "SO-88A42"},    {"customer_ref", "PO-2024-118"}, {"station", "pack-3"},
        {"operator", "Zoë"},      {"date", "2026-12-04 14:05"},    {"reprint_reason", "torn"},
        {"original_job", "1207"}, {"serial", "SN10001"},           {"gtin", "09501101530003"},
        {"lot", "L24A"},          {"expiry", "2027-03-31"}};
    for (int i = 0; i < units; ++i) {
        data.units.push_back({{"serial", "SN1" + std::to_string(10000 + i)},
                              {"gtin", "09501101530003"},
                              {"lot", "L24A"},
                              {"expiry", "2027-03-31"}});
    }
    return data;
}

void renderTemplate(benchmark::State& state, const char* name) {
    const auto label = LabelTemplate::builtin(name);
    const LabelData data = sampleData(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        benchmark::DoNotOptimize(label.render(data, {}));
    }
    state.counters["labels/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The carton label written out by hand with fmt: the floor for producing the same bytes.
void formatCartonByHand(benchmark::State& state) {
    const LabelData data = sampleData(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        std::string zpl = fmt::format(
            "^XA^CI28^PW812^LL1218\n^LH0,0\n^FO40,30^A0N,56,50^FDORDER {}^FS\n"
            "^FO40,95^A0N,30,28^FDCustomer ref: {}^FS\n^FO40,135^A0N,30,28^FDUnits: {}^FS\n"
            "^FO40,175^A0N,24,22^FDStation {}  Operator {}  {}^FS\n"
            "^FO40,215^BY3^BCN,110,Y,N,N,N^FD>:{}^FS\n",
            data.fields.at("order"), data.fields.at("customer_ref"), data.units.size(),
            data.fields.at("station"), data.fields.at("operator"), data.fields.at("date"),
            data.fields.at("order"));
        int y = 412;
        for (const auto& unit : data.units) {
            zpl += fmt::format(
                "^FO40,{0}^A0N,26,20^FD{1}^FS\n^FO330,{0}^A0N,26,20^FD{2}^FS\n"
                "^FO590,{0}^A0N,22,18^FD{3} {4}^FS\n",
                y, unit.at("serial"), unit.at("gtin"), unit.at("lot"), unit.at("expiry"));
            y += 34;
        }
        zpl += "^XZ\n";
        benchmark::DoNotOptimize(zpl);
    }
    state.counters["labels/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void escapeField(benchmark::State& state) {
    const std::string value = "SN_10001^XZ~JR Zoë 東京 " + std::string(64, 'A');
    for (auto _ : state) {
        benchmark::DoNotOptimize(station::print::escapeFieldData(value));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * value.size()));
}

void loadTemplate(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(LabelTemplate::builtin("carton"));
    }
}

}  // namespace

BENCHMARK_CAPTURE(renderTemplate, carton, "carton")->Arg(7)->Arg(22);
BENCHMARK(formatCartonByHand)->Arg(7)->Arg(22);
BENCHMARK_CAPTURE(renderTemplate, reprint, "reprint")->Arg(7);
BENCHMARK_CAPTURE(renderTemplate, unit, "unit")->Arg(0);
BENCHMARK(escapeField);
BENCHMARK(loadTemplate);

BENCHMARK_MAIN();
