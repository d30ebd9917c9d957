#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "station/session/session_engine.hpp"
#include "station/store/store.hpp"

namespace station::lead {

// A lead action that the store's state does not allow (voiding a link of a closed order,
// releasing a released hold). The message names what to do instead.
class ActionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Renders the reprint of a job from the original job's fields plus the lead, the reason and
// the original job's id. Returns the ZPL.
using ReprintRenderer =
    std::function<std::string(const std::string& fieldsJson, const std::string& lead,
                              const std::string& reason, std::int64_t originalJob)>;

// The lead actions on the store: holds, voids, returns, short closes, cancels and reprints. The
// caller has authenticated the lead; every method requires a non-empty reason, runs in one
// transaction, and journals who, when and why. Methods throw ActionError for requests the
// state does not allow and store::StoreError for SQLite failures.
class LeadActions {
public:
    LeadActions(store::Store& store, std::string station);

    std::int64_t addHold(const std::string& lead, const std::string& gtin, const std::string& lot,
                         const std::string& serial, const std::string& reason);
    void releaseHold(const std::string& lead, std::int64_t holdId, const std::string& reason);
    std::vector<store::Hold> holds(bool includeReleased);
    // Reads holds from a CSV file with the header "gtin,lot,serial,reason" and adds them in one
    // transaction. Returns how many were added; a bad row rejects the whole file.
    int importHolds(const std::string& lead, const std::filesystem::path& file);

    // Voids one link of an open order; the link row stays, with a void record beside it.
    void voidLink(const std::string& lead, std::int64_t linkId, const std::string& reason);
    // Records that a shipped unit came back, so its serial may ship again.
    std::int64_t recordReturn(const std::string& lead, const std::string& gtin,
                              const std::string& sku, const std::string& serial,
                              const std::string& reason);
    // Cancels an open order: its links are voided and no label prints.
    void cancelOrder(const std::string& actor, const std::string& number,
                     const std::string& reason);
    // Closes an open order with units missing and queues its carton label. Returns the job id,
    // or nothing when the label could not be rendered (journaled).
    std::optional<std::int64_t> closeShort(const std::string& lead, const std::string& number,
                                           const std::string& reason,
                                           const session::CartonLabelRenderer& renderCarton);

    // Queues a reprint of a job with the reprint template. Returns the new job id.
    std::int64_t reprint(const std::string& lead, std::int64_t jobId, const std::string& reason,
                         const ReprintRenderer& render);
    // Settles a job whose delivery is uncertain: "resend" queues it again, "cancel" ends it.
    void resolveUncertainJob(const std::string& lead, std::int64_t jobId,
                             const std::string& decision, const std::string& reason);

private:
    void journal(const std::string& actor, const std::string& event,
                 const std::optional<std::string>& orderNumber, const std::string& detailJson);
    store::Order openOrder(const std::string& number);

    store::Store& store_;
    std::string station_;
};

}  // namespace station::lead
