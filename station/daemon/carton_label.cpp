#include "station/daemon/carton_label.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "print/label_template.hpp"
#include "station/timestamp.hpp"

namespace station::daemon {

namespace {

print::RenderOptions renderOptions(const config::PrinterConfig& printer) {
    print::RenderOptions options;
    options.dpi = printer.dpi;
    options.labelWidthDots = printer.labelWidthDots;
    options.labelHeightDots = printer.labelHeightDots;
    return options;
}

}  // namespace

session::CartonLabelRenderer makeCartonLabelRenderer(const config::StationConfig& config) {
    auto carton = std::make_shared<print::LabelTemplate>(
        config.label.cartonTemplate.empty()
            ? print::LabelTemplate::builtin("carton")
            : print::LabelTemplate::fromFile(config.label.cartonTemplate));
    print::RenderOptions options = renderOptions(config.printer);

    return [carton, options, station = config.stationId, operatorName = config.operatorName](
               const store::Order& order, const std::vector<store::Link>& links) {
        print::LabelData data;
        data.fields["order"] = order.number;
        data.fields["customer_ref"] = order.customerRef;
        data.fields["station"] = station;
        data.fields["operator"] = operatorName;
        data.fields["date"] = formatTimestamp(std::chrono::system_clock::now()).substr(0, 10);
        data.fields["unit_count"] = std::to_string(links.size());
        for (const store::Link& link : links) {
            data.units.push_back({{"gtin", link.gtin},
                                  {"sku", link.sku},
                                  {"serial", link.serial},
                                  {"lot", link.lot},
                                  {"expiry", link.expiry.value_or("")}});
        }

        session::CartonLabel label;
        label.templateName = "carton";
        label.zpl = carton->render(data, options);
        nlohmann::json fields = data.fields;
        fields["units"] = data.units;
        label.fieldsJson = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return label;
    };
}

lead::ReprintRenderer makeReprintRenderer(const config::StationConfig& config) {
    auto reprint = std::make_shared<print::LabelTemplate>(print::LabelTemplate::builtin("reprint"));
    print::RenderOptions options = renderOptions(config.printer);
    return [reprint, options](const std::string& fieldsJson, const std::string& lead,
                              const std::string& reason, std::int64_t originalJob) {
        nlohmann::json fields = nlohmann::json::parse(fieldsJson);
        print::LabelData data;
        for (const auto& [key, value] : fields.items()) {
            if (key == "units") {
                for (const nlohmann::json& unit : value) {
                    data.units.push_back(unit.get<std::map<std::string, std::string>>());
                }
            } else if (value.is_string()) {
                data.fields[key] = value.get<std::string>();
            }
        }
        // The banner names who reprinted and when, not the first print's operator and date.
        data.fields["operator"] = lead;
        data.fields["date"] = formatTimestamp(std::chrono::system_clock::now()).substr(0, 10);
        data.fields["reprint_reason"] = reason;
        data.fields["original_job"] = std::to_string(originalJob);
        return reprint->render(data, options);
    };
}

}  // namespace station::daemon
