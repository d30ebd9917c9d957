// Camera verification through the real stationd. A video file of GS1 DataMatrix codes is the
// camera and a pty is the scanner that opens the order. The result is checked in the store, on
// the event stream and through the local API.

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <random>

#include "station/session/session_engine.hpp"
#include "tests/station/api_client.hpp"
#include "tests/station/daemon_fixture.hpp"
#include "tests/vision/test_frames.hpp"

namespace station {
namespace {

using nlohmann::json;
using testing::ApiClient;
using testing::EventStreamClient;
using testing::readFile;

constexpr auto kVerificationWait = std::chrono::seconds(45);

const json kOrder = {
    {"order", "SO-700"},
    {"lines", {{{"gtin", "09506000134352"}, {"quantity", 3}, {"serial_required", true}}}}};
const json kNeighbourOrder = {{"order", "SO-701"},
                              {"lines", {{{"gtin", "09506000134369"}, {"quantity", 1}}}}};

vision::testing::SymbolSpec unitSymbol(const std::string& gtin, const std::string& serial) {
    vision::testing::SymbolSpec spec;
    spec.zintType = "DATAMATRIX";
    spec.zintInput = "[01]" + gtin + "[17]281231[21]" + serial;
    spec.gs1 = true;
    spec.format = "DataMatrix";
    spec.text = "01" + gtin + "17281231" + "21" + serial;
    return spec;
}

// SessionEngine::recordVerification() on a real store, without the daemon.
class RecordVerificationTest : public ::testing::Test {
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
        settings.printerName = "label";
        session_ = std::make_unique<session::SessionEngine>(
            *store_, *importer_, settings,
            [](const store::Order& order, const std::vector<store::Link>&) {
                return session::CartonLabel{"carton", "^XA^FD" + order.number + "^FS^XZ", "{}"};
            });
        std::ofstream(directory_ / "orders" / "so-100.json")
            << R"({"order": "SO-100", "lines": [{"gtin": "09506000134352", "quantity": 2}]})";
        std::ofstream(directory_ / "orders" / "so-200.json")
            << R"({"order": "SO-200", "lines": [{"gtin": "09506000134369", "quantity": 1}]})";
        importer_->importPending();
    }

    session::Decision scan(const std::string& data) {
        Scan scan;
        scan.id = makeScanId();
        scan.data = data;
        scan.device = "pty-scanner";
        scan.readAt = std::chrono::system_clock::now();
        return session_->handleScan(scan);
    }

    session::VerificationResult verify(std::optional<std::string> order,
                                       std::vector<std::string> texts) {
        session::VerificationInput input;
        input.id = "00112233aabbccdd";
        input.orderNumber = std::move(order);
        input.device = "camera";
        input.trigger = "api";
        input.readAt = std::chrono::system_clock::now();
        input.verifyCode = "VERIFY";
        input.evidencePath = (directory_ / "evidence" / "frame.jpg").string();
        for (const std::string& text : texts) {
            input.codes.push_back({"DataMatrix", text, "]d2"});
        }
        return session_->recordVerification(input);
    }

    int count(const std::string& sql) {
        store::Statement statement = store_->database().prepare(sql);
        statement.step();
        return static_cast<int>(statement.integer(0));
    }

    testing::TestDirectory directory_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<orders::OrderImporter> importer_;
    std::unique_ptr<session::SessionEngine> session_;
};

std::string unitCode(const std::string& gtin, const std::string& serial) {
    return "01" + gtin + "17281231" + "21" + serial;
}

const session::VerifiedCode* findCode(const session::VerificationResult& result,
                                      const std::string& part) {
    for (const session::VerifiedCode& code : result.codes) {
        if (code.code.find(part) != std::string::npos) {
            return &code;
        }
    }
    return nullptr;
}

TEST_F(RecordVerificationTest, CompletesOrderAndRefusesNeighbour) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    session::VerificationResult result =
        verify(std::nullopt, {unitCode("09506000134352", "A1"), "SO-100",
                              unitCode("09506000134369", "N1"), unitCode("09506000134352", "A2")});

    EXPECT_EQ(result.orderNumber, "SO-100");
    EXPECT_EQ(result.outcome, "mismatch");
    EXPECT_TRUE(result.orderCompleted);
    EXPECT_TRUE(result.printJobId.has_value());
    ASSERT_EQ(result.lines.size(), 1u);
    EXPECT_EQ(result.lines[0].seen, 2);
    EXPECT_EQ(result.lines[0].missing, 0);
    const session::VerifiedCode* neighbour = findCode(result, "N1");
    ASSERT_NE(neighbour, nullptr);
    EXPECT_EQ(neighbour->outcome, "refused");
    EXPECT_EQ(neighbour->reason, "wrong_item");
    const session::VerifiedCode* orderLabel = findCode(result, "SO-100");
    ASSERT_NE(orderLabel, nullptr);
    EXPECT_EQ(orderLabel->outcome, "ignored");
    EXPECT_EQ(findCode(result, "A1")->outcome, "linked");
    EXPECT_EQ(findCode(result, "A2")->outcome, "linked");

    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-100'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE device = 'camera'"), 4);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'verification'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'print_job_created'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE order_number = 'SO-100' AND "
                    "state = 'complete'"),
              1);
    EXPECT_FALSE(session_->openOrder().has_value());

    const json body = session::verificationJson(result);
    EXPECT_EQ(body["evidence_url"], "/api/v1/evidence/frame.jpg");
    EXPECT_EQ(body["refused"].size(), 1u);
    EXPECT_EQ(body["ignored"].size(), 1u);
    EXPECT_EQ(body["units"].size(), 2u);
}

TEST_F(RecordVerificationTest, SurplusUnitAfterCompletionIsRefused) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    session::VerificationResult result =
        verify(std::nullopt, {unitCode("09506000134352", "A1"), unitCode("09506000134352", "A2"),
                              unitCode("09506000134352", "A3")});
    EXPECT_TRUE(result.orderCompleted);
    const session::VerifiedCode* surplus = findCode(result, "A3");
    ASSERT_NE(surplus, nullptr);
    EXPECT_EQ(surplus->outcome, "refused");
    EXPECT_EQ(surplus->reason, "quantity_exceeded");
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 2);
}

TEST_F(RecordVerificationTest, OtherOrderKeepsOpenOrder) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    ASSERT_EQ(scan(unitCode("09506000134352", "A1")).outcome, "accepted");
    session::VerificationResult result = verify("SO-200", {unitCode("09506000134369", "B1")});

    EXPECT_EQ(result.orderNumber, "SO-200");
    EXPECT_EQ(result.outcome, "verified");
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-200'"), 1);
    ASSERT_TRUE(session_->openOrder().has_value());
    EXPECT_EQ(*session_->openOrder(), "SO-100");
}

TEST_F(RecordVerificationTest, LinkedUnitOutOfViewIsReported) {
    ASSERT_EQ(scan("SO-100").outcome, "order_opened");
    ASSERT_EQ(scan(unitCode("09506000134352", "A1")).outcome, "accepted");
    session::VerificationResult result = verify(std::nullopt, {unitCode("09506000134352", "A2")});

    EXPECT_EQ(result.outcome, "mismatch");
    ASSERT_EQ(result.notSeen.size(), 1u);
    EXPECT_NE(result.notSeen[0].find("A1"), std::string::npos);
    EXPECT_EQ(result.lines[0].seen, 1);
    EXPECT_EQ(result.lines[0].linked, 2);
    EXPECT_EQ(result.lines[0].missing, 1);
}

TEST_F(RecordVerificationTest, NoOpenOrderLinksNothing) {
    session::VerificationResult result = verify(std::nullopt, {unitCode("09506000134352", "A1")});
    EXPECT_EQ(result.outcome, "no_order");
    ASSERT_EQ(result.codes.size(), 1u);
    EXPECT_EQ(result.codes[0].reason, "no_open_order");
    EXPECT_EQ(count("SELECT COUNT(*) FROM links"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'verification'"), 1);
}

class CameraEndToEndTest : public testing::DaemonFixture {
protected:
    // Writes a 1280x720 MJPEG video of two units of SO-700 and one unit of SO-701 in view.
    std::filesystem::path writeCartonVideo() {
        std::vector<vision::testing::SymbolSpec> specs = {
            unitSymbol("09506000134352", "CAM001"),
            unitSymbol("09506000134352", "CAM002"),
            unitSymbol("09506000134369", "NB001"),
        };
        std::vector<cv::Mat> symbols;
        for (const auto& spec : specs) {
            symbols.push_back(vision::testing::renderSymbol(spec, 6, directory_.path()));
        }
        std::mt19937 random(7);
        vision::testing::TestFrame frame = vision::testing::composeFrame(
            symbols, specs, cv::Size(1280, 720), vision::testing::Distortion::None, random);

        const std::filesystem::path path = directory_ / "carton.avi";
        cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                               cv::Size(1280, 720));
        EXPECT_TRUE(writer.isOpened());
        for (int i = 0; i < 20; ++i) {
            writer.write(frame.image);
        }
        return path;
    }

    std::string cameraTable(const std::filesystem::path& source) {
        return "\n[camera]\nenabled = true\nname = \"camera\"\nsource_kind = \"file\"\n"
               "source = \"" +
               source.string() +
               "\"\nmode = \"verify\"\nloop = true\nfps = 15\nworkers = 1\n"
               "verify_timeout_ms = 20000\nreopen_initial_ms = 100\nreopen_max_ms = 1000\n"
               "retention_days = 2\n";
    }

    void start(const std::filesystem::path& cameraSource) {
        startEmulator();
        startDaemon(printerPort_, cameraTable(cameraSource));
        port_ = apiPort();
        ASSERT_NE(port_, 0);
    }

    unsigned short port_ = 0;
};

TEST_F(CameraEndToEndTest, VerifyLinksUnitsAndRefusesNeighbour) {
    // Evidence older than retention_days goes at start-up.
    const std::filesystem::path expired = directory_ / "state" / "evidence" / "old-SO-1.jpg";
    std::filesystem::create_directories(expired.parent_path());
    std::ofstream(expired) << "jpeg";
    std::filesystem::last_write_time(
        expired, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 3));

    start(writeCartonVideo());
    ApiClient api(port_);
    EXPECT_TRUE(testing::waitUntil([&] { return !std::filesystem::exists(expired); },
                                   std::chrono::seconds(10)));
    testing::HttpReply unknown = api.post("/api/v1/verify", {{"order", "SO-999"}});
    EXPECT_EQ(unknown.status, 404u) << unknown.body;
    testing::HttpReply noOrder = api.post("/api/v1/verify", json::object());
    EXPECT_EQ(noOrder.status, 409u) << noOrder.body;
    EXPECT_EQ(noOrder.json()["error"], "no_open_order");

    ASSERT_EQ(api.post("/api/v1/orders", kOrder).status, 201u);
    ASSERT_EQ(api.post("/api/v1/orders", kNeighbourOrder).status, 201u);
    type("SO-700\r");
    ASSERT_TRUE(waitForCount("SELECT COUNT(*) FROM scans WHERE outcome = 'order_opened'", 1))
        << readFile(directory_ / "stationd.log");

    EventStreamClient events(port_, "/api/v1/events");
    testing::HttpReply started = api.post("/api/v1/verify", json::object());
    ASSERT_EQ(started.status, 202u) << started.body;
    const std::string id = started.json()["id"];
    EXPECT_EQ(started.json()["order"], "SO-700");
    testing::HttpReply busy = api.post("/api/v1/verify", json::object());
    EXPECT_EQ(busy.status, 409u) << busy.body;
    EXPECT_EQ(busy.json()["error"], "verification_running");

    std::optional<json> event = events.nextOfType("verification", kVerificationWait);
    ASSERT_TRUE(event) << readFile(directory_ / "stationd.log");
    const json result = (*event)["data"];
    EXPECT_EQ(result["id"], id);
    EXPECT_EQ(result["order"], "SO-700");
    EXPECT_EQ(result["outcome"], "mismatch") << result.dump(1);
    ASSERT_EQ(result["lines"].size(), 1u) << result.dump(1);
    EXPECT_EQ(result["lines"][0]["expected"], 3);
    EXPECT_EQ(result["lines"][0]["seen"], 2);
    EXPECT_EQ(result["lines"][0]["linked"], 2);
    EXPECT_EQ(result["lines"][0]["missing"], 1);
    EXPECT_EQ(result["missing"], 1);
    ASSERT_EQ(result["units"].size(), 2u) << result.dump(1);
    EXPECT_EQ(result["units"][0]["outcome"], "linked");
    EXPECT_EQ(result["units"][1]["outcome"], "linked");
    ASSERT_EQ(result["refused"].size(), 1u) << result.dump(1);
    EXPECT_EQ(result["refused"][0]["reason"], "wrong_item");
    EXPECT_NE(result["refused"][0]["code"].get<std::string>().find("09506000134369"),
              std::string::npos);
    EXPECT_NE(result["summary"].get<std::string>().find("take out"), std::string::npos);

    // The store: two links made by the camera, three scan rows, one journal event.
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-700' AND device = "
                    "'camera' AND serial IN ('CAM001', 'CAM002')"),
              2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-701'"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE device = 'camera'"), 3);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'verification'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event LIKE 'scan_%' AND scan_id IN "
                    "(SELECT scan_id FROM scans WHERE device = 'camera')"),
              0);
    const std::string journalDetail = [&] {
        store::Store store(directory_ / "state" / "station.db", store::Store::Access::ReadOnly);
        store::Statement select =
            store.database().prepare("SELECT detail FROM journal WHERE event = 'verification'");
        EXPECT_TRUE(select.step());
        return select.text(0);
    }();
    EXPECT_EQ(json::parse(journalDetail)["evidence"], result["evidence"]);

    // The evidence file exists and the API serves it as a JPEG.
    ASSERT_TRUE(result["evidence"].is_string()) << result.dump(1);
    const std::filesystem::path evidence = result["evidence"].get<std::string>();
    EXPECT_TRUE(std::filesystem::exists(evidence));
    EXPECT_EQ(evidence.parent_path().filename(), "evidence");
    testing::HttpReply image = api.get(result["evidence_url"].get<std::string>());
    ASSERT_EQ(image.status, 200u) << image.body;
    EXPECT_EQ(image.contentType, "image/jpeg");
    EXPECT_EQ(image.body.size(), std::filesystem::file_size(evidence));
    std::vector<unsigned char> bytes(image.body.begin(), image.body.end());
    cv::Mat decoded = cv::imdecode(bytes, cv::IMREAD_COLOR);
    EXPECT_EQ(decoded.cols, 1280);
    EXPECT_EQ(decoded.rows, 720);

    // Only names of files inside the evidence folder are served.
    EXPECT_EQ(api.get("/api/v1/evidence/station.db").status, 400u);
    EXPECT_EQ(api.get("/api/v1/evidence/..%2Fstation.db").status, 404u);
    EXPECT_EQ(api.get("/api/v1/evidence/.jpg").status, 400u);
    EXPECT_EQ(api.get("/api/v1/evidence/..jpg").status, 400u);
    EXPECT_EQ(api.get("/api/v1/evidence/%2Fetc%2Fpasswd.jpg").status, 404u);
    EXPECT_EQ(api.get("/api/v1/evidence/missing.jpg").status, 404u);

    testing::HttpReply stored = api.get("/api/v1/verifications/" + id);
    ASSERT_EQ(stored.status, 200u) << stored.body;
    EXPECT_EQ(stored.json()["outcome"], "mismatch");
    EXPECT_EQ(stored.json()["refused"].size(), 1u);
    EXPECT_EQ(api.get("/api/v1/verifications/0123456789abcdef").status, 404u);

    // A scanned verify code verifies the open order again: the units are already linked.
    type("VERIFY\r");
    std::optional<json> again = events.nextOfType("verification", kVerificationWait);
    ASSERT_TRUE(again) << readFile(directory_ / "stationd.log");
    const json second = (*again)["data"];
    EXPECT_EQ(second["trigger"], "pty-scanner");
    ASSERT_EQ(second["units"].size(), 2u) << second.dump(1);
    EXPECT_EQ(second["units"][0]["outcome"], "already_linked");
    EXPECT_EQ(second["units"][1]["outcome"], "already_linked");
    EXPECT_EQ(second["lines"][0]["seen"], 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM links WHERE order_number = 'SO-700'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM journal WHERE event = 'verification'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM scans WHERE raw = 'VERIFY'"), 0);
}

TEST_F(CameraEndToEndTest, MissingSourceIsReportedAndStationRuns) {
    const std::filesystem::path missing = directory_ / "no-such-camera.avi";
    start(missing);
    ApiClient api(port_);

    // The camera shows as disconnected, with the reason, in the status.
    json camera;
    ASSERT_TRUE(testing::waitUntil(
        [&] {
            const json status = api.get("/api/v1/status").json();
            for (const json& device : status["devices"]) {
                if (device["name"] == "camera") {
                    camera = device;
                    return true;
                }
            }
            return false;
        },
        std::chrono::seconds(10)))
        << readFile(directory_ / "stationd.log");
    EXPECT_EQ(camera["state"], "disconnected");
    EXPECT_NE(camera["detail"].get<std::string>().find(missing.string()), std::string::npos);
    bool errorEvent = false;
    const json recent = api.get("/api/v1/events/recent").json();
    for (const json& event : recent) {
        errorEvent |= event["type"] == "device" && event["data"]["name"] == "camera" &&
                      event["data"]["state"] == "error";
    }
    EXPECT_TRUE(errorEvent);

    // Scanners keep working.
    ASSERT_EQ(api.post("/api/v1/orders", kOrder).status, 201u);
    type("SO-700\r");
    type("0109506000134352172812312110X1\r");
    EXPECT_TRUE(waitForCount("SELECT COUNT(*) FROM links WHERE serial = '10X1'", 1))
        << readFile(directory_ / "stationd.log");
    EXPECT_EQ(api.get("/api/v1/status").status, 200u);
}

}  // namespace
}  // namespace station
