#include "station/lead/lead_actions.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "station/lead/lead_auth.hpp"
#include "station/store/schema.hpp"
#include "tests/station/test_directory.hpp"

namespace station::lead {
namespace {

constexpr char kGs = '\x1D';

class LeadActionsTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<store::Store>(directory_ / "station.db");
        std::filesystem::create_directories(directory_ / "orders");
        importer_ =
            std::make_unique<orders::OrderImporter>(*store_, directory_ / "orders", "station-1");
        session::SessionSettings settings;
        settings.station = "station-1";
        settings.operatorName = "packer";
        settings.orderNumberPattern = "SO-[0-9]+";
        settings.closeCode = "CLOSE";
        settings.undoCode = "UNDO";
        session_ =
            std::make_unique<session::SessionEngine>(*store_, *importer_, settings, renderCarton());
        actions_ = std::make_unique<LeadActions>(*store_, "station-1");
    }

    static session::CartonLabelRenderer renderCarton() {
        return [](const store::Order& order, const std::vector<store::Link>& links) {
            session::CartonLabel label;
            label.templateName = "carton";
            label.zpl = "^XA^FD" + order.number + " " + std::to_string(links.size()) + "^FS^XZ";
            label.fieldsJson = R"({"order": ")" + order.number + R"("})";
            return label;
        };
    }

    session::Decision scan(const std::string& data) {
        Scan scan;
        scan.id = makeScanId();
        scan.data = data;
        scan.device = "bench";
        scan.readAt = std::chrono::system_clock::now();
        return session_->handleScan(scan);
    }

    static std::string unit(const std::string& serial, const std::string& lot = "L1") {
        return "0109506000134352"
               "17301231"
               "10" +
               lot + kGs + "21" + serial;
    }

    int journalCount(const std::string& event) {
        store::Statement count =
            store_->database().prepare("SELECT COUNT(*) FROM journal WHERE event = ?");
        count.bind(1, event);
        count.step();
        return static_cast<int>(count.integer(0));
    }

    testing::TestDirectory directory_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<session::SessionEngine> session_;
    std::unique_ptr<LeadActions> actions_;
};

TEST_F(LeadActionsTest, PinIsCheckedAndHashed) {
    setLeadPin(*store_, "maria", "4711", "admin");
    EXPECT_NO_THROW(authenticateLead(*store_, "maria", "4711"));
    EXPECT_THROW(authenticateLead(*store_, "maria", "4712"), AuthorizationError);
    EXPECT_THROW(authenticateLead(*store_, "mario", "4711"), AuthorizationError);
    store::Statement hash = store_->database().prepare("SELECT pin_hash FROM leads");
    ASSERT_TRUE(hash.step());
    EXPECT_EQ(hash.text(0).rfind("$y$", 0), 0u) << hash.text(0);
    EXPECT_EQ(hash.text(0).find("4711"), std::string::npos);
}

TEST_F(LeadActionsTest, ShortPinIsRejected) {
    EXPECT_THROW(setLeadPin(*store_, "maria", "12", "admin"), AuthorizationError);
}

TEST_F(LeadActionsTest, HoldBlocksThenReleaseAllows) {
    std::int64_t hold = actions_->addHold("maria", "", "BAD", "", "supplier recall");
    scan("SO-1");
    EXPECT_EQ(scan(unit("S1", "BAD")).reason, "on_hold");
    actions_->releaseHold("maria", hold, "lot cleared by QA");
    EXPECT_EQ(scan(unit("S1", "BAD")).outcome, "accepted");
    EXPECT_EQ(journalCount("hold_added"), 1);
    EXPECT_EQ(journalCount("hold_released"), 1);
    EXPECT_THROW(actions_->releaseHold("maria", hold, "again"), ActionError);
}

TEST_F(LeadActionsTest, HoldNeedsReasonAndTarget) {
    EXPECT_THROW(actions_->addHold("maria", "", "BAD", "", " "), ActionError);
    EXPECT_THROW(actions_->addHold("maria", "09506000134352", "", "", "recall"), ActionError);
}

TEST_F(LeadActionsTest, HoldsImportFromCsv) {
    std::ofstream(directory_ / "holds.csv")
        << "gtin,lot,serial,reason\n09506000134352,L9,,\"recall, batch 9\"\n,,S77,quarantine\n";
    EXPECT_EQ(actions_->importHolds("maria", directory_ / "holds.csv"), 2);
    std::vector<store::Hold> holds = actions_->holds(false);
    ASSERT_EQ(holds.size(), 2u);
    EXPECT_EQ(holds[0].reason, "recall, batch 9");
    EXPECT_EQ(holds[1].serial, "S77");
}

TEST_F(LeadActionsTest, BadHoldCsvAddsNothing) {
    std::ofstream(directory_ / "holds.csv")
        << "gtin,lot,serial,reason\n,L1,,ok\n,,,missing target\n";
    try {
        actions_->importHolds("maria", directory_ / "holds.csv");
        FAIL() << "a bad row was accepted";
    } catch (const ActionError& error) {
        EXPECT_NE(std::string(error.what()).find("holds.csv:3"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(actions_->holds(true).empty());
}

TEST_F(LeadActionsTest, VoidKeepsLinkRowAndFreesSerial) {
    scan("SO-1");
    session::Decision linked = scan(unit("S1"));
    ASSERT_TRUE(linked.linkId.has_value());
    actions_->voidLink("maria", *linked.linkId, "damaged in packing");
    std::vector<store::Link> links = store_->linksBySerial("S1");
    ASSERT_EQ(links.size(), 1u);
    EXPECT_TRUE(links[0].voided);
    EXPECT_EQ(scan(unit("S1")).outcome, "accepted");
    EXPECT_THROW(actions_->voidLink("maria", *linked.linkId, "twice"), ActionError);
}

TEST_F(LeadActionsTest, VoidOfClosedOrderIsRefused) {
    scan("SO-1");
    session::Decision linked = scan(unit("S1"));
    scan("CLOSE");
    EXPECT_THROW(actions_->voidLink("maria", *linked.linkId, "too late"), ActionError);
}

TEST_F(LeadActionsTest, UndoCodeVoidsLastUnit) {
    scan("SO-1");
    scan(unit("S1"));
    session::Decision second = scan(unit("S2"));
    session::Decision undo = scan("UNDO");
    EXPECT_EQ(undo.outcome, "undone");
    EXPECT_EQ(undo.linkId, second.linkId);
    EXPECT_FALSE(store_->findShippedSerial("09506000134352", "", "S2").has_value());
    EXPECT_TRUE(store_->findShippedSerial("09506000134352", "", "S1").has_value());
}

TEST_F(LeadActionsTest, ReturnLetsSerialShipAgain) {
    scan("SO-1");
    scan(unit("S1"));
    scan("CLOSE");
    scan("SO-2");
    EXPECT_EQ(scan(unit("S1")).reason, "duplicate_serial");
    actions_->recordReturn("maria", "09506000134352", "", "S1", "customer return");
    EXPECT_EQ(scan(unit("S1")).outcome, "accepted");
    EXPECT_EQ(journalCount("unit_returned"), 1);
}

TEST_F(LeadActionsTest, ReturnOfUnshippedSerialIsRefused) {
    EXPECT_THROW(actions_->recordReturn("maria", "09506000134352", "", "NEVER", "mistake"),
                 ActionError);
}

TEST_F(LeadActionsTest, CancelVoidsUnitsAndStopsOrder) {
    scan("SO-1");
    scan(unit("S1"));
    actions_->cancelOrder("maria", "SO-1", "customer cancelled");
    EXPECT_EQ(store_->findOrder("SO-1")->state, "cancelled");
    EXPECT_EQ(store_->activeLinkCount("SO-1"), 0);
    EXPECT_EQ(scan(unit("S2")).reason, "order_closed");
    EXPECT_TRUE(store_->printJobs(std::string("SO-1")).empty());
}

TEST_F(LeadActionsTest, CloseShortQueuesLabel) {
    std::ofstream(directory_ / "orders" / "SO-3.json")
        << R"({"order": "SO-3", "lines": [{"gtin": "09506000134352", "quantity": 5}]})";
    scan("SO-3");
    scan(unit("S1"));
    EXPECT_EQ(scan("CLOSE").reason, "order_incomplete");
    std::optional<std::int64_t> job =
        actions_->closeShort("maria", "SO-3", "stock short", renderCarton());
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(store_->findPrintJob(*job)->zpl, "^XA^FDSO-3 1^FS^XZ");
    EXPECT_EQ(store_->findOrder("SO-3")->state, "closed_short");
    EXPECT_EQ(journalCount("order_closed_short"), 1);
}

TEST_F(LeadActionsTest, OverrideLinksWrongItemOnce) {
    std::ofstream(directory_ / "orders" / "SO-4.json")
        << R"({"order": "SO-4", "lines": [{"gtin": "09506000134369", "quantity": 1}]})";
    scan("SO-4");
    session::Decision rejected = scan(unit("S1"));
    ASSERT_EQ(rejected.reason, "wrong_item");
    session::Decision decision =
        session_->overrideRejectedScan(rejected.scanId, "maria", "substitute approved");
    EXPECT_EQ(decision.outcome, "accepted");
    EXPECT_EQ(store_->activeLinkCount("SO-4"), 1);
    EXPECT_EQ(journalCount("scan_overridden"), 1);
    // The link exists now, so a second override of the same scan must fail.
    EXPECT_ANY_THROW(session_->overrideRejectedScan(rejected.scanId, "maria", "again"));
}

TEST_F(LeadActionsTest, DuplicateSerialCannotBeOverridden) {
    scan("SO-1");
    scan(unit("S1"));
    session::Decision duplicate = scan(unit("S1"));
    ASSERT_EQ(duplicate.reason, "duplicate_serial");
    EXPECT_THROW(session_->overrideRejectedScan(duplicate.scanId, "maria", "please"),
                 std::invalid_argument);
}

TEST_F(LeadActionsTest, ReprintReferencesFirstJob) {
    scan("SO-1");
    scan(unit("S1"));
    session::Decision closed = scan("CLOSE");
    ASSERT_TRUE(closed.printJobId.has_value());
    auto render = [](const std::string& fields, const std::string& lead, const std::string& reason,
                     std::int64_t original) {
        return "^XA^FDREPRINT " + std::to_string(original) + " " + reason + " by " + lead + " " +
               fields + "^FS^XZ";
    };
    std::int64_t first = actions_->reprint("maria", *closed.printJobId, "smudged", render);
    std::int64_t second = actions_->reprint("maria", first, "torn", render);
    std::optional<store::PrintJob> job = store_->findPrintJob(second);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->reprintOf, *closed.printJobId);
    EXPECT_EQ(job->templateName, "reprint");
    EXPECT_EQ(job->state, "queued");
    EXPECT_EQ(job->requestedBy, "maria");
    EXPECT_NE(job->zpl.find("REPRINT " + std::to_string(*closed.printJobId) + " torn by maria"),
              std::string::npos);
    EXPECT_EQ(journalCount("label_reprinted"), 2);
    EXPECT_THROW(actions_->reprint("maria", 999, "x", render), ActionError);
}

TEST_F(LeadActionsTest, UncertainJobIsResentOrCancelled) {
    store::PrintJob job;
    job.templateName = "carton";
    job.printer = "label";
    job.zpl = "^XA^XZ";
    job.fieldsJson = "{}";
    job.createdAt = "t";
    std::int64_t id = store_->insertPrintJob(job);
    EXPECT_THROW(actions_->resolveUncertainJob("maria", id, "resend", "why"), ActionError);
    store_->updatePrintJob(id, "uncertain", 1, "connection reset", "t");
    actions_->resolveUncertainJob("maria", id, "resend", "printer shows no label");
    EXPECT_EQ(store_->findPrintJob(id)->state, "queued");
    store_->updatePrintJob(id, "uncertain", 2, "connection reset", "t");
    actions_->resolveUncertainJob("maria", id, "cancel", "label came out");
    EXPECT_EQ(store_->findPrintJob(id)->state, "cancelled");
}

TEST(StoreMigrationTest, OpensEveryEarlierSchemaVersion) {
    for (int version = 1; version < static_cast<int>(store::migrations().size()); ++version) {
        testing::TestDirectory directory;
        {
            store::Database db(directory / "old.db", store::Database::Mode::ReadWrite);
            store::migrate(db, version);
            db.execute(
                "INSERT INTO orders (order_number, has_lines, source, imported_at) VALUES "
                "('SO-OLD', 0, 'scan', 't')");
            ASSERT_EQ(store::schemaVersion(db), version);
        }
        store::Store store(directory / "old.db");
        EXPECT_EQ(store::schemaVersion(store.database()),
                  static_cast<int>(store::migrations().size()))
            << "from version " << version;
        EXPECT_TRUE(store.findOrder("SO-OLD").has_value()) << "from version " << version;
        EXPECT_TRUE(store.checkIntegrity().empty());
    }
}

TEST(StoreBackupTest, BackupIsCompleteAndSound) {
    testing::TestDirectory directory;
    store::Store store(directory / "station.db");
    store.database().execute(
        "INSERT INTO orders (order_number, has_lines, source, imported_at) VALUES "
        "('SO-B', 0, 'scan', 't')");
    store.backupTo(directory / "copy.db");
    store::Store copy(directory / "copy.db", store::Store::Access::ReadOnly);
    EXPECT_TRUE(copy.findOrder("SO-B").has_value());
    EXPECT_TRUE(copy.checkIntegrity().empty());
}

}  // namespace
}  // namespace station::lead
