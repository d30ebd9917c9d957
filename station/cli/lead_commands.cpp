#include "station/cli/lead_commands.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "station/daemon/carton_label.hpp"
#include "station/lead/lead_actions.hpp"
#include "station/lead/lead_auth.hpp"
#include "station/orders/order_importer.hpp"
#include "station/session/session_engine.hpp"
#include "station/store/store.hpp"

namespace station::cli {
namespace {

// Reads the PIN without echoing it on a terminal.
std::string readPin(const std::string& lead) {
    if (const char* pin = std::getenv("STATION_LEAD_PIN")) {
        return pin;
    }
    std::string pin;
    if (isatty(STDIN_FILENO) == 1) {
        std::cerr << fmt::format("PIN for lead {}: ", lead);
        termios saved{};
        tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= static_cast<tcflag_t>(~ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
        std::getline(std::cin, pin);
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << '\n';
    } else {
        std::getline(std::cin, pin);
    }
    return pin;
}

// Options every lead command shares.
struct LeadOptions {
    std::string lead;
    std::string reason;
};

void addLeadOptions(CLI::App* command, LeadOptions& options, bool needsReason = true) {
    command->add_option("--lead", options.lead, "Name of the lead who authorises this")->required();
    CLI::Option* reason =
        command->add_option("--reason", options.reason, "Why; recorded in the journal");
    if (needsReason) {
        reason->required();
    }
}

// Opens the store read-write, authenticates the lead, runs the action, and turns every
// refusal into a message with exit code 1.
void asLead(const CliContextPtr& context, const LeadOptions& options,
            const std::function<void(store::Store&, const config::StationConfig&)>& action) {
    config::StationConfig config = context->config();
    if (!std::filesystem::exists(config.storePath)) {
        throw CLI::RuntimeError(
            fmt::format("Store {} not found; pass --store PATH or --config FILE",
                        config.storePath.string()),
            1);
    }
    try {
        store::Store store(config.storePath);
        lead::authenticateLead(store, options.lead, readPin(options.lead));
        action(store, config);
    } catch (const lead::AuthorizationError& error) {
        throw CLI::RuntimeError(error.what(), 1);
    } catch (const lead::ActionError& error) {
        throw CLI::RuntimeError(error.what(), 1);
    } catch (const std::invalid_argument& error) {
        throw CLI::RuntimeError(error.what(), 1);
    } catch (const store::StoreError& error) {
        throw CLI::RuntimeError(
            fmt::format("Store {}: {}", config.storePath.string(), error.what()), 1);
    }
}

void addLeadPinCommand(CLI::App& app, const CliContextPtr& context) {
    CLI::App* lead = app.add_subcommand("lead", "Manage the leads who authorise actions");
    lead->require_subcommand(1);
    CLI::App* setPin = lead->add_subcommand(
        "set-pin", "Add a lead or change a lead's PIN (needs write access to the store)");
    auto name = std::make_shared<std::string>();
    setPin->add_option("NAME", *name, "Lead name")->required();
    setPin->callback([=] {
        config::StationConfig config = context->config();
        std::filesystem::create_directories(config.storePath.parent_path());
        try {
            store::Store store(config.storePath);
            std::string pin = readPin(*name);
            const char* user =
                std::getenv("SUDO_USER") ? std::getenv("SUDO_USER") : std::getenv("USER");
            lead::setLeadPin(store, *name, pin, user != nullptr ? user : "stationctl");
            std::cout << fmt::format("PIN set for lead {}\n", *name);
        } catch (const lead::AuthorizationError& error) {
            throw CLI::RuntimeError(error.what(), 1);
        }
    });
}

void addHoldCommands(CLI::App& app, const CliContextPtr& context) {
    CLI::App* hold = app.add_subcommand("hold", "Lots and serials that must not ship");
    hold->require_subcommand(1);

    CLI::App* add = hold->add_subcommand("add", "Put a lot or a serial on hold");
    auto options = std::make_shared<LeadOptions>();
    auto gtin = std::make_shared<std::string>();
    auto lot = std::make_shared<std::string>();
    auto serial = std::make_shared<std::string>();
    add->add_option("--gtin", *gtin, "Only this GTIN (default: every item)");
    add->add_option("--lot", *lot, "Lot or batch number");
    add->add_option("--serial", *serial, "Serial number");
    addLeadOptions(add, *options);
    add->callback([=] {
        asLead(context, *options, [&](store::Store& store, const config::StationConfig& config) {
            std::int64_t id = lead::LeadActions(store, config.stationId)
                                  .addHold(options->lead, *gtin, *lot, *serial, options->reason);
            std::cout << fmt::format("Hold {} added\n", id);
        });
    });

    CLI::App* release = hold->add_subcommand("release", "Release a hold");
    auto releaseOptions = std::make_shared<LeadOptions>();
    auto holdId = std::make_shared<std::int64_t>(0);
    release->add_option("ID", *holdId, "Hold id (see hold list)")->required();
    addLeadOptions(release, *releaseOptions);
    release->callback([=] {
        asLead(context, *releaseOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   lead::LeadActions(store, config.stationId)
                       .releaseHold(releaseOptions->lead, *holdId, releaseOptions->reason);
                   std::cout << fmt::format("Hold {} released\n", *holdId);
               });
    });

    CLI::App* import = hold->add_subcommand(
        "import", "Add holds from a CSV file with the header gtin,lot,serial,reason");
    auto importOptions = std::make_shared<LeadOptions>();
    auto file = std::make_shared<std::string>();
    import->add_option("FILE", *file, "CSV file")->required()->check(CLI::ExistingFile);
    addLeadOptions(import, *importOptions, false);
    import->callback([=] {
        asLead(context, *importOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   int count = lead::LeadActions(store, config.stationId)
                                   .importHolds(importOptions->lead, *file);
    std::cout << fmt::format("{} hold(s) added from {}\n", count, *file);
});
}  // namespace
);

CLI::App* list = hold->add_subcommand("list", "List holds");
auto all = std::make_shared<bool>(false);
list->add_flag("--all", *all, "Include released holds");
list->callback([=] {
    config::StationConfig config = context->config();
    store::Store store(config.storePath, store::Store::Access::ReadOnly);
    for (const store::Hold& entry : lead::LeadActions(store, config.stationId).holds(*all)) {
        std::cout << fmt::format(
            "{:>5} gtin={} lot={} serial={} by {} at {}{}: {}\n", entry.holdId,
            entry.gtin.empty() ? "*" : entry.gtin, entry.lot.empty() ? "-" : entry.lot,
            entry.serial.empty() ? "-" : entry.serial, entry.createdBy, entry.createdAt,
            entry.releasedAt ? " (released " + *entry.releasedAt + ")" : "", entry.reason);
    }
});
}  // namespace station::cli

void addUnitCommands(CLI::App& app, const CliContextPtr& context) {
    CLI::App* voidCommand = app.add_subcommand("void", "Void one unit of an open order");
    auto voidOptions = std::make_shared<LeadOptions>();
    auto linkId = std::make_shared<std::int64_t>(0);
    voidCommand->add_option("LINK", *linkId, "Link id (see links --order)")->required();
    addLeadOptions(voidCommand, *voidOptions);
    voidCommand->callback([=] {
        asLead(context, *voidOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   lead::LeadActions(store, config.stationId)
                       .voidLink(voidOptions->lead, *linkId, voidOptions->reason);
                   std::cout << fmt::format("Link {} voided\n", *linkId);
               });
    });

    CLI::App* returned = app.add_subcommand(
        "return", "Record that a shipped unit came back, so its serial may ship again");
    auto returnOptions = std::make_shared<LeadOptions>();
    auto gtin = std::make_shared<std::string>();
    auto sku = std::make_shared<std::string>();
    auto serial = std::make_shared<std::string>();
    returned->add_option("--gtin", *gtin, "GTIN of the unit");
    returned->add_option("--sku", *sku, "SKU of the unit");
    returned->add_option("--serial", *serial, "Serial number")->required();
    addLeadOptions(returned, *returnOptions);
    returned->callback([=] {
        asLead(context, *returnOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   std::int64_t id = lead::LeadActions(store, config.stationId)
                                         .recordReturn(returnOptions->lead, *gtin, *sku, *serial,
                                                       returnOptions->reason);
                   std::cout << fmt::format("Return {} recorded\n", id);
               });
    });

    CLI::App* override = app.add_subcommand(
        "override",
        "Link a rejected scan on a lead's authority (wrong item, quantity, missing "
        "serial/lot/expiry, short shelf life)");
    auto overrideOptions = std::make_shared<LeadOptions>();
    auto scanId = std::make_shared<std::string>();
    override->add_option("SCAN", *scanId, "Scan id from the journal")->required();
    addLeadOptions(override, *overrideOptions);
    override->callback([=] {
        asLead(context, *overrideOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   orders::OrderImporter importer(store, config.orders.dropDir, config.stationId);
                   session::SessionEngine engine(store, importer, session::sessionSettings(config),
                                                 nullptr);
                   session::Decision decision = engine.overrideRejectedScan(
                       *scanId, overrideOptions->lead, overrideOptions->reason);
                   std::cout << decision.message << '\n';
               });
    });
}

void addOrderCommands(CLI::App& app, const CliContextPtr& context) {
    CLI::App* order = app.add_subcommand("order", "Cancel or close an order");
    order->require_subcommand(1);

    CLI::App* cancel = order->add_subcommand(
        "cancel", "Cancel an open order: its units are voided and no label prints");
    auto cancelOptions = std::make_shared<LeadOptions>();
    auto cancelNumber = std::make_shared<std::string>();
    cancel->add_option("ORDER", *cancelNumber, "Order number")->required();
    addLeadOptions(cancel, *cancelOptions);
    cancel->callback([=] {
        asLead(context, *cancelOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   lead::LeadActions(store, config.stationId)
                       .cancelOrder(cancelOptions->lead, *cancelNumber, cancelOptions->reason);
                   std::cout << fmt::format("Order {} cancelled\n", *cancelNumber);
               });
    });

    CLI::App* closeShort = order->add_subcommand(
        "close-short", "Close an open order with units missing and print its carton label");
    auto shortOptions = std::make_shared<LeadOptions>();
    auto shortNumber = std::make_shared<std::string>();
    closeShort->add_option("ORDER", *shortNumber, "Order number")->required();
    addLeadOptions(closeShort, *shortOptions);
    closeShort->callback([=] {
        asLead(
            context, *shortOptions, [&](store::Store& store, const config::StationConfig& config) {
                std::optional<std::int64_t> job =
                    lead::LeadActions(store, config.stationId)
                        .closeShort(shortOptions->lead, *shortNumber, shortOptions->reason,
                                    daemon::makeCartonLabelRenderer(config));
                std::cout << fmt::format("Order {} closed short{}\n", *shortNumber,
                                         job ? fmt::format("; print job {} queued", *job)
                                             : "; the label could not be rendered (see journal)");
            });
    });
}

void addPrintCommands(CLI::App& app, const CliContextPtr& context) {
    CLI::App* reprint = app.add_subcommand(
        "reprint", "Queue a reprint of a print job, marked as a reprint; stationd prints it");
    auto reprintOptions = std::make_shared<LeadOptions>();
    auto jobId = std::make_shared<std::int64_t>(0);
    reprint->add_option("JOB", *jobId, "Print job id (see jobs)")->required();
    addLeadOptions(reprint, *reprintOptions);
    reprint->callback([=] {
        asLead(context, *reprintOptions,
               [&](store::Store& store, const config::StationConfig& config) {
                   std::int64_t id =
                       lead::LeadActions(store, config.stationId)
                           .reprint(reprintOptions->lead, *jobId, reprintOptions->reason,
                                    daemon::makeReprintRenderer(config));
                   std::cout << fmt::format("Reprint of job {} queued as job {}\n", *jobId, id);
               });
    });

    CLI::App* job = app.add_subcommand("job", "Settle a print job whose delivery is uncertain");
    job->require_subcommand(1);
    for (const char* decision : {"resend", "cancel"}) {
        CLI::App* command = job->add_subcommand(
            decision, std::string(decision) == "resend"
                          ? "Send an uncertain or failed job again (check the printer first)"
                          : "End an uncertain or failed job without printing it");
        auto options = std::make_shared<LeadOptions>();
        auto id = std::make_shared<std::int64_t>(0);
        command->add_option("JOB", *id, "Print job id")->required();
        addLeadOptions(command, *options);
        command->callback([=, decision = std::string(decision)] {
            asLead(context, *options,
                   [&](store::Store& store, const config::StationConfig& config) {
                       lead::LeadActions(store, config.stationId)
                           .resolveUncertainJob(options->lead, *id, decision, options->reason);
                       std::cout << fmt::format("Job {}: {}\n", *id, decision);
                   });
        });
    }
}

}  // namespace

void addLeadCommands(CLI::App& app, CliContextPtr context) {
    addLeadPinCommand(app, context);
    addHoldCommands(app, context);
    addUnitCommands(app, context);
    addOrderCommands(app, context);
    addPrintCommands(app, context);
}

}  // namespace station::cli
