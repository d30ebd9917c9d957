#include "station/session/session_engine.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/station/test_directory.hpp"

namespace station::session {
namespace {

constexpr char kGs = '\x1D';

// A GS1 element string as a DataMatrix scanner sends it: GTIN, expiry, lot, GS, serial.
std::string gs1Unit(const std::string& gtin, const std::string& serial,
                    const std::string& lot = "LOT1", const std::string& expiry = "301231") {
    return "01" + gtin + "17" + expiry + "10" + lot + kGs + "21" + serial;
}

class SessionEngineTest : public ::testing::Test {
protected:
    void SetUp() override { start(); }

    void start() {
        session_.reset();
        importer_.reset();
        store_.reset();
        store_ = std::make_unique<store::Store>(directory_ / "station.db");
        std::filesystem::create_directories(directory_ / "orders");
        importer_ =
            std::make_unique<orders::OrderImporter>(*store_, directory_ / "orders", "station-1");
        SessionSettings settings;
        settings.station = "station-1";
        settings.operatorName = "packer";
        settings.orderNumberPattern = "SO-[0-9]+";
        settings.closeCode = "CLOSE";
        settings.printerName = "label";
        settings.serialPatterns.push_back({"BAT-1", "BT[0-9]{6}"});
        session_ = std::make_unique<SessionEngine>(
            *store_, *importer_, settings,
            [this](const store::Order& order, const std::vector<store::Link>& links) {
                ++labelsRendered_;
                CartonLabel label;
                label.templateName = "carton";
                label.zpl = "^XA^FD" + order.number + " " + std::to_string(links.size()) + "^FS^XZ";
                label.fieldsJson = "{}";
                return label;
            });
        session_->setToday([] {
            return std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{12},
                                               std::chrono::day{4}};
        });
    }

    void dropOrder(const std::string& name, const std::string& json) {
        std::ofstream(directory_ / "orders" / name) << json;
    }

    Decision scan(const std::string& data) {
        Scan scan;
        scan.id = makeScanId();
        scan.data = data;
        scan.device = "bench";
        scan.readAt = std::chrono::system_clock::now();
        return session_->handleScan(scan);
    }

    int linkCount() {
        store::Statement count = store_->database().prepare("SELECT COUNT(*) FROM links");
        count.step();
        return static_cast<int>(count.integer(0));
    }

    testing::TestDirectory directory_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<SessionEngine> session_;
    int labelsRendered_ = 0;
};

constexpr const char* kTwoLineOrder = R"({
  "order": "SO-100", "customer_ref": "C-9",
  "lines": [
    {"gtin": "09506000134352", "quantity": 2, "serial_required": true, "min_shelf_life_days": 30},
    {"sku": "BAT-1", "quantity": 1}
  ]})";

TEST_F(SessionEngineTest, UnitBeforeOrderIsRejected) {
    Decision decision = scan(gs1Unit("09506000134352", "S1"));
    EXPECT_EQ(decision.outcome, "rejected");
    EXPECT_EQ(decision.reason, "no_open_order");
    EXPECT_EQ(linkCount(), 0);
}

TEST_F(SessionEngineTest, OrderWithoutDataLinksEveryUnit) {
    EXPECT_EQ(scan("SO-7").outcome, "order_opened");
    Decision first = scan(gs1Unit("09506000134352", "S1"));
    EXPECT_EQ(first.outcome, "accepted") << first.message;
    Decision second = scan(gs1Unit("09506000134369", "S2"));
    EXPECT_EQ(second.outcome, "accepted") << second.message;
    Decision close = scan("CLOSE");
    EXPECT_EQ(close.outcome, "order_closed");
    ASSERT_TRUE(close.printJobId.has_value());
    std::optional<store::PrintJob> job = store_->findPrintJob(*close.printJobId);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->zpl, "^XA^FDSO-7 2^FS^XZ");
    EXPECT_EQ(job->state, "queued");
    EXPECT_EQ(store_->findOrder("SO-7")->state, "complete");
}

TEST_F(SessionEngineTest, LinkRecordsIdentityFields) {
    scan("SO-7");
    scan(gs1Unit("09506000134352", "S1", "LOT9", "270630"));
    std::vector<store::Link> links = store_->linksBySerial("S1");
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].gtin, "09506000134352");
    EXPECT_EQ(links[0].lot, "LOT9");
    EXPECT_EQ(links[0].expiry, "2027-06-30");
    EXPECT_EQ(links[0].station, "station-1");
    EXPECT_EQ(links[0].operatorName, "packer");
    EXPECT_EQ(links[0].device, "bench");
    EXPECT_EQ(links[0].rawScan, gs1Unit("09506000134352", "S1", "LOT9", "270630"));
}

TEST_F(SessionEngineTest, WrongItemIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    EXPECT_EQ(scan("SO-100").outcome, "order_opened");
    Decision decision = scan(gs1Unit("09506000134376", "S1"));
    EXPECT_EQ(decision.reason, "wrong_item");
    EXPECT_NE(decision.message.find("09506000134376"), std::string::npos) << decision.message;
    EXPECT_EQ(linkCount(), 0);
}

TEST_F(SessionEngineTest, QuantityExceededIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S1")).outcome, "accepted");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S2")).outcome, "accepted");
    Decision third = scan(gs1Unit("09506000134352", "S3"));
    EXPECT_EQ(third.reason, "quantity_exceeded");
    EXPECT_EQ(linkCount(), 2);
}

TEST_F(SessionEngineTest, DuplicateSerialInSameOrderIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S1")).outcome, "accepted");
    Decision again = scan(gs1Unit("09506000134352", "S1"));
    EXPECT_EQ(again.reason, "duplicate_serial");
    EXPECT_NE(again.message.find("SO-100"), std::string::npos) << again.message;
}

TEST_F(SessionEngineTest, SerialLinkedToAnotherOrderIsRejected) {
    scan("SO-1");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S1")).outcome, "accepted");
    scan("CLOSE");
    scan("SO-2");
    Decision decision = scan(gs1Unit("09506000134352", "S1"));
    EXPECT_EQ(decision.reason, "duplicate_serial");
    EXPECT_NE(decision.message.find("SO-1"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, SameSerialOfOtherGtinIsAccepted) {
    scan("SO-1");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S1")).outcome, "accepted");
    EXPECT_EQ(scan(gs1Unit("09506000134369", "S1")).outcome, "accepted");
}

TEST_F(SessionEngineTest, LastUnitCompletesOrderAndQueuesLabel) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    scan(gs1Unit("09506000134352", "S1"));
    scan(gs1Unit("09506000134352", "S2"));
    Decision last = scan("BT123456");
    EXPECT_EQ(last.outcome, "accepted") << last.message;
    EXPECT_TRUE(last.orderCompleted);
    ASSERT_TRUE(last.printJobId.has_value());
    EXPECT_EQ(labelsRendered_, 1);
    EXPECT_EQ(store_->findOrder("SO-100")->state, "complete");
    EXPECT_FALSE(session_->openOrder().has_value());
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S9")).reason, "no_open_order");
}

TEST_F(SessionEngineTest, PlainSerialOfNoKnownSkuIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    Decision decision = scan("XX999");
    EXPECT_EQ(decision.outcome, "rejected");
    EXPECT_EQ(decision.reason, "parse_error");
    EXPECT_NE(decision.message.find("XX999"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, BareSerialOfOtherSkuIsWrongItem) {
    std::ofstream(directory_ / "orders" / "SO-200.json")
        << R"({"order": "SO-200", "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    scan("SO-200");
    Decision decision = scan("BT123456");
    EXPECT_EQ(decision.reason, "wrong_item");
    EXPECT_NE(decision.message.find("SKU BAT-1"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, SerialMissingWhereRequired) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    Decision decision = scan(
        "0109506000134352"
        "17301231"
        "10LOT1");
    EXPECT_EQ(decision.reason, "serial_missing");
}

TEST_F(SessionEngineTest, ExpiredUnitIsRejected) {
    scan("SO-1");
    Decision decision = scan(gs1Unit("09506000134352", "S1", "LOT1", "261203"));
    EXPECT_EQ(decision.reason, "expired");
    EXPECT_NE(decision.message.find("2026-12-03"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, ExpiryTodayIsStillValid) {
    scan("SO-1");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S1", "LOT1", "261204")).outcome, "accepted");
}

TEST_F(SessionEngineTest, ShortShelfLifeIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    Decision decision = scan(gs1Unit("09506000134352", "S1", "LOT1", "261231"));
    EXPECT_EQ(decision.reason, "shelf_life_too_short");
    EXPECT_NE(decision.message.find("27 days"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, HeldLotIsRejected) {
    store_->database().execute(
        "INSERT INTO holds (gtin, lot, reason, created_by, created_at) VALUES "
        "('', 'BADLOT', 'supplier recall', 'lead', 't')");
    scan("SO-1");
    Decision decision = scan(gs1Unit("09506000134352", "S1", "BADLOT"));
    EXPECT_EQ(decision.reason, "on_hold");
    EXPECT_NE(decision.message.find("supplier recall"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, GarbageIsRejectedWithReason) {
    scan("SO-1");
    Decision decision = scan(std::string("\x01\x02\xff\xfe garbage", 12));
    EXPECT_EQ(decision.outcome, "rejected");
    EXPECT_EQ(linkCount(), 0);
    EXPECT_FALSE(decision.message.empty());
}

TEST_F(SessionEngineTest, ReplayedScanIdLinksOnce) {
    scan("SO-1");
    Scan unit;
    unit.id = makeScanId();
    unit.data = gs1Unit("09506000134352", "S1");
    unit.device = "bench";
    unit.readAt = std::chrono::system_clock::now();
    Decision first = session_->handleScan(unit);
    Decision second = session_->handleScan(unit);
    EXPECT_EQ(first.outcome, "accepted");
    EXPECT_EQ(second.outcome, "accepted");
    EXPECT_TRUE(second.replayed);
    EXPECT_EQ(linkCount(), 1);
}

TEST_F(SessionEngineTest, OpenOrderSurvivesRestart) {
    scan("SO-1");
    scan(gs1Unit("09506000134352", "S1"));
    start();
    ASSERT_TRUE(session_->openOrder().has_value());
    EXPECT_EQ(*session_->openOrder(), "SO-1");
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S2")).outcome, "accepted");
}

TEST_F(SessionEngineTest, ClosedOrderCannotReopen) {
    scan("SO-1");
    scan("CLOSE");
    Decision decision = scan("SO-1");
    EXPECT_EQ(decision.reason, "order_closed");
}

TEST_F(SessionEngineTest, CloseWithMissingUnitsIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    Decision decision = scan("CLOSE");
    EXPECT_EQ(decision.reason, "order_incomplete");
    EXPECT_NE(decision.message.find("3 units"), std::string::npos) << decision.message;
}

TEST_F(SessionEngineTest, EveryDecisionIsJournaled) {
    scan("SO-1");
    scan(gs1Unit("09506000134352", "S1"));
    scan(gs1Unit("09506000134352", "S1"));
    std::vector<store::JournalEntry> entries = store_->journal(0, 100);
    std::vector<std::string> events;
    for (const store::JournalEntry& entry : entries) {
        events.push_back(entry.event);
    }
    EXPECT_EQ(events,
              (std::vector<std::string>{"scan_order_opened", "scan_accepted", "scan_rejected"}));
    EXPECT_NE(entries[2].detailJson.find("duplicate_serial"), std::string::npos);
    EXPECT_NE(entries[1].detailJson.find("<GS>"), std::string::npos) << entries[1].detailJson;
}

TEST_F(SessionEngineTest, BurstCommitsInOneTransaction) {
    scan("SO-1");
    std::vector<Scan> scans;
    for (int i = 0; i < 50; ++i) {
        Scan unit;
        unit.id = makeScanId();
        unit.data = gs1Unit("09506000134352", "B" + std::to_string(i));
        unit.device = "camera";
        unit.readAt = std::chrono::system_clock::now();
        scans.push_back(unit);
    }
    std::vector<Decision> decisions = session_->handleScans(scans);
    ASSERT_EQ(decisions.size(), 50u);
    for (const Decision& decision : decisions) {
        EXPECT_EQ(decision.outcome, "accepted") << decision.message;
    }
    EXPECT_EQ(linkCount(), 50);
}

TEST_F(SessionEngineTest, ReimportWithLinksIsRejected) {
    dropOrder("SO-100.json", kTwoLineOrder);
    scan("SO-100");
    scan(gs1Unit("09506000134352", "S1"));
    dropOrder("SO-100.json", kTwoLineOrder);
    importer_->importPending();
    EXPECT_TRUE(std::filesystem::exists(directory_ / "orders" / "rejected" / "SO-100.json"));
    std::ifstream reason(directory_ / "orders" / "rejected" / "SO-100.json.reason.txt");
    std::string text((std::istreambuf_iterator<char>(reason)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("already has linked units"), std::string::npos) << text;
}

TEST_F(SessionEngineTest, SymlinkInDropFolderIsIgnored) {
    std::ofstream(directory_ / "elsewhere.json")
        << R"({"order": "SO-9", "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    std::filesystem::create_symlink(directory_ / "elsewhere.json",
                                    directory_ / "orders" / "SO-9.json");
    EXPECT_EQ(importer_->importPending(), 0);
    EXPECT_FALSE(store_->findOrder("SO-9"));
    EXPECT_TRUE(std::filesystem::is_symlink(directory_ / "orders" / "SO-9.json"));
}

TEST_F(SessionEngineTest, BadOrderFileIsMovedAside) {
    dropOrder("SO-5.json", R"({"order": "SO-5", "lines": [{"gtin": "09506000134353",
                               "quantity": 1}]})");
    importer_->importPending();
    EXPECT_FALSE(std::filesystem::exists(directory_ / "orders" / "SO-5.json"));
    std::ifstream reason(directory_ / "orders" / "rejected" / "SO-5.json.reason.txt");
    std::string text((std::istreambuf_iterator<char>(reason)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("wrong check digit"), std::string::npos) << text;
    EXPECT_FALSE(store_->findOrder("SO-5").has_value());
}

TEST_F(SessionEngineTest, CsvFileImportsSeveralOrders) {
    dropOrder("wave-7.csv",
              "order,customer_ref,gtin,sku,quantity,serial_required\n"
              "SO-301,\"Shop, Berlin\",09506000134352,,2,yes\n"
              "SO-301,\"Shop, Berlin\",,BAT-1,1,no\n"
              "SO-302,C-2,09506000134369,,1,1\n");
    importer_->importPending();
    std::optional<store::Order> first = store_->findOrder("SO-301");
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->customerRef, "Shop, Berlin");
    ASSERT_EQ(first->lines.size(), 2u);
    EXPECT_TRUE(first->lines[0].serialRequired);
    EXPECT_EQ(first->lines[1].sku, "BAT-1");
    ASSERT_TRUE(store_->findOrder("SO-302").has_value());
    EXPECT_TRUE(std::filesystem::exists(directory_ / "orders" / "imported" / "wave-7.csv"));
}

TEST_F(SessionEngineTest, BadCsvRowRejectsWholeFile) {
    dropOrder("wave-8.csv",
              "order,gtin,quantity\n"
              "SO-401,09506000134352,1\n"
              "SO-402,09506000134369,many\n");
    importer_->importPending();
    EXPECT_FALSE(store_->findOrder("SO-401").has_value());
    std::ifstream reason(directory_ / "orders" / "rejected" / "wave-8.csv.reason.txt");
    std::string text((std::istreambuf_iterator<char>(reason)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("wave-8.csv:3: quantity \"many\" is not a whole number"), std::string::npos)
        << text;
}

TEST_F(SessionEngineTest, HalfWrittenFileIsIgnored) {
    dropOrder(".SO-9.json.part", "{\"order\": ");
    dropOrder("SO-9.json.tmp", "{\"order\": ");
    EXPECT_EQ(importer_->importPending(), 0);
    EXPECT_TRUE(std::filesystem::exists(directory_ / "orders" / "SO-9.json.tmp"));
}

TEST_F(SessionEngineTest, LaterLotThanStockIsFefoRejected) {
    dropOrder("stock-0800.csv",
              "gtin,lot,expiry,quantity\n"
              "09506000134352,OLD,2027-03-31,40\n"
              "09506000134352,GONE,2026-12-01,5\n"
              "09506000134352,NEW,2030-12-31,100\n");
    importer_->importPending();
    scan("SO-1");
    Decision later = scan(gs1Unit("09506000134352", "S1", "NEW", "301231"));
    EXPECT_EQ(later.reason, "fefo");
    EXPECT_NE(later.message.find("OLD (expiry 2027-03-31)"), std::string::npos) << later.message;
    EXPECT_EQ(scan(gs1Unit("09506000134352", "S2", "OLD", "270331")).outcome, "accepted");
    Decision overridden = session_->overrideRejectedScan(later.scanId, "maria", "customer asked");
    EXPECT_EQ(overridden.outcome, "accepted");
}

TEST_F(SessionEngineTest, PrintableScanEscapesControlBytes) {
    EXPECT_EQ(printableScan(std::string("A\x1D"
                                        "B\x1E\x04\x1B[2J\x7F",
                                        10)),
              "A<GS>B<RS><EOT>\\x1B[2J\\x7F");
}

}  // namespace
}  // namespace station::session
