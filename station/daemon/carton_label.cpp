#include "station/daemon/carton_label.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "print/label_template.hpp"
#include "station/timestamp.hpp"

namespace station::daemon {

session::CartonLabelRenderer makeCartonLabelRenderer(const config::StationConfig& config) {
    auto carton = std::make_shared<print::LabelTemplate>(
        config.label.cartonTemplate.empty()
            ? print::LabelTemplate::builtin("carton")
            : print::LabelTemplate::fromFile(config.label.cartonTemplate));
    print::RenderOptions options;
    options.dpi = config.printer.dpi;
    options.labelWidthDots = config.printer.labelWidthDots;
    options.labelHeightDots = config.printer.labelHeightDots;

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

}  // namespace station::daemon
