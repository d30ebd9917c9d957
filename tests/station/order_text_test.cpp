// Order files and API bodies come from other systems, and their text reaches log lines, labels
// and the operator page. A control character in any of it rejects the order, and the error
// message shows the bytes escaped.

#include <gtest/gtest.h>

#include <string>

#include "station/orders/order_file.hpp"

namespace station::orders {
namespace {

// Returns the message of the OrderFileError that `parse` throws, or "" when it throws none.
template <typename Parse>
std::string rejectionMessage(Parse parse) {
    try {
        parse();
    } catch (const OrderFileError& error) {
        return error.what();
    }
    return {};
}

bool hasControlByte(const std::string& text) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return true;
        }
    }
    return false;
}

const std::string kForgedLine =
    "2026-12-04 19:00:00.000 info  [session] OK accepted [pty] Linked GTIN 09506000134352";

TEST(OrderTextTest, LineBreakInJsonOrderNumberIsRejected) {
    const std::string body = R"({"order": "SO-1002\n)" + kForgedLine +
                             R"(", "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    const std::string message = rejectionMessage([&] { parseOrderJson(body, "request body"); });
    ASSERT_NE(message, "") << "an order number with a line break was imported";
    EXPECT_NE(message.find("\"order\""), std::string::npos) << message;
    EXPECT_NE(message.find("<LF>"), std::string::npos) << message;
    EXPECT_FALSE(hasControlByte(message)) << message;
}

TEST(OrderTextTest, EscapeInJsonCustomerRefIsRejected) {
    const std::string body = R"({"order": "SO-1003", "customer_ref": "ACME\u001b[2J",)"
                             R"( "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    const std::string message = rejectionMessage([&] { parseOrderJson(body, "SO-1003.json"); });
    ASSERT_NE(message, "") << "a customer reference with ESC was imported";
    EXPECT_NE(message.find("\"customer_ref\""), std::string::npos) << message;
    EXPECT_FALSE(hasControlByte(message)) << message;
}

TEST(OrderTextTest, NulInJsonSkuIsRejected) {
    const std::string body =
        R"({"order": "SO-1004", "lines": [{"sku": "LAP\u0000-14", "quantity": 1}]})";
    const std::string message = rejectionMessage([&] { parseOrderJson(body, "SO-1004.json"); });
    ASSERT_NE(message, "") << "a SKU with NUL was imported";
    EXPECT_NE(message.find("lines[0]"), std::string::npos) << message;
    EXPECT_FALSE(hasControlByte(message)) << message;
}

TEST(OrderTextTest, UnknownKeyWithLineBreakIsShownEscaped) {
    const std::string body = R"({"order": "SO-1005", "x\n)" + kForgedLine +
                             R"(": 1, "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    const std::string message = rejectionMessage([&] { parseOrderJson(body, "SO-1005.json"); });
    ASSERT_NE(message, "");
    EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
    EXPECT_FALSE(hasControlByte(message)) << message;
}

TEST(OrderTextTest, EscapeInCsvCellIsRejected) {
    const std::string csv =
        "order,customer_ref,gtin,quantity\n"
        "SO-1006,\x1b]0;title\x07,09506000134352,1\n";
    const std::string message = rejectionMessage([&] { parseOrderCsv(csv, "orders.csv"); });
    ASSERT_NE(message, "") << "a CSV customer reference with ESC was imported";
    EXPECT_NE(message.find("orders.csv:2"), std::string::npos) << message;
    EXPECT_NE(message.find("\"customer_ref\""), std::string::npos) << message;
    EXPECT_FALSE(hasControlByte(message)) << message;
}

TEST(OrderTextTest, OverlongCustomerRefIsRejected) {
    const std::string body = R"({"order": "SO-1", "customer_ref": ")" + std::string(257, 'C') +
                             R"(", "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    const std::string message = rejectionMessage([&] { parseOrderJson(body, "request body"); });
    EXPECT_NE(message.find("257 bytes long; the limit is 256"), std::string::npos) << message;
    const std::string fits = R"({"order": "SO-1", "customer_ref": ")" + std::string(256, 'C') +
                             R"(", "lines": [{"gtin": "09506000134352", "quantity": 1}]})";
    EXPECT_EQ(parseOrderJson(fits, "request body").customerRef.size(), 256u);
}

TEST(OrderTextTest, PrintableTextAndUtf8AreKept) {
    const std::string body = R"({"order": "SO-1007", "customer_ref": "Müller & Söhne ^FD O'Brien",)"
                             R"( "lines": [{"sku": "BAT-4400", "quantity": 2}]})";
    const store::Order order = parseOrderJson(body, "SO-1007.json");
    EXPECT_EQ(order.number, "SO-1007");
    EXPECT_EQ(order.customerRef, "Müller & Söhne ^FD O'Brien");
    ASSERT_EQ(order.lines.size(), 1u);
    EXPECT_EQ(order.lines[0].sku, "BAT-4400");

    const std::vector<store::Order> fromCsv = parseOrderCsv(
        "order,customer_ref,sku,quantity\r\nSO-1008,Café 7,BAT-4400,1\r\n", "orders.csv");
    ASSERT_EQ(fromCsv.size(), 1u);
    EXPECT_EQ(fromCsv[0].customerRef, "Café 7");
}

}  // namespace
}  // namespace station::orders
