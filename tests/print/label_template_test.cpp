#include "print/label_template.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace station::print {
namespace {

LabelData cartonData(std::size_t units) {
    LabelData data;
    data.fields = {{"order", "SO-1001"},
                   {"customer_ref", "PO-77"},
                   {"station", "st-1"},
                   {"operator", "ann"},
                   {"date", "2026-12-04"}};
    for (std::size_t i = 0; i < units; ++i) {
        data.units.push_back({{"serial", "SN" + std::to_string(i)},
                              {"gtin", "09501101530003"},
                              {"lot", "L1"},
                              {"expiry", "2027-03-31"}});
    }
    return data;
}

// Expects fromString to fail with a message that contains the line and the text.
void expectTemplateError(const std::string& text, int line, const std::string& part) {
    try {
        LabelTemplate::fromString(text, "test.zpl");
        FAIL() << "expected a TemplateError for:\n" << text;
    } catch (const TemplateError& error) {
        EXPECT_EQ(error.line(), line) << error.what();
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
        EXPECT_EQ(std::string(error.what()).rfind("test.zpl:" + std::to_string(line) + ": ", 0), 0u)
            << error.what();
    }
}

TEST(LabelTemplateTest, BuiltinTemplatesLoad) {
    for (const auto& name : LabelTemplate::builtinNames()) {
        EXPECT_NO_THROW(LabelTemplate::builtin(name)) << name;
    }
    EXPECT_EQ(LabelTemplate::builtinNames().size(), 3u);
}

TEST(LabelTemplateTest, UnknownBuiltinIsRejected) {
    EXPECT_THROW(LabelTemplate::builtin("pallet"), std::invalid_argument);
}

TEST(LabelTemplateTest, CartonListsOrderCountAndEverySerial) {
    const std::string zpl = LabelTemplate::builtin("carton").render(cartonData(3), {});
    EXPECT_NE(zpl.find("ORDER SO-1001"), std::string::npos);
    EXPECT_NE(zpl.find("Units: 3"), std::string::npos);
    EXPECT_NE(zpl.find("^FDSN0^FS"), std::string::npos);
    EXPECT_NE(zpl.find("^FDSN1^FS"), std::string::npos);
    EXPECT_NE(zpl.find("^FDSN2^FS"), std::string::npos);
    EXPECT_NE(zpl.find("^BCN,110,Y,N,N,N^FH_^FD>:SO->51001^FS"), std::string::npos);
}

TEST(LabelTemplateTest, EveryLabelStartsWithUtf8AndSize) {
    LabelData data;
    data.fields = {{"serial", "S1"}, {"gtin", "09501101530003"}};
    const std::string zpl = LabelTemplate::builtin("unit").render(data, {300, 1200, 1800});
    EXPECT_EQ(zpl.rfind("^XA^CI28^PW1200^LL1800", 0), 0u);
}

TEST(LabelTemplateTest, UnitRowsMoveDownByStep) {
    const std::string zpl = LabelTemplate::builtin("carton").render(cartonData(2), {});
    EXPECT_NE(zpl.find("^FO40,412^A0N,26,20^FH_^FDSN0^FS"), std::string::npos);
    EXPECT_NE(zpl.find("^FO40,446^A0N,26,20^FH_^FDSN1^FS"), std::string::npos);
}

TEST(LabelTemplateTest, UnitsBeyondMaxAreCounted) {
    const std::string zpl = LabelTemplate::builtin("carton").render(cartonData(25), {});
    EXPECT_NE(zpl.find("^FDSN21^FS"), std::string::npos);
    EXPECT_EQ(zpl.find("^FDSN22^FS"), std::string::npos);
    EXPECT_NE(zpl.find("+ 3 more units not listed"), std::string::npos);
}

TEST(LabelTemplateTest, PositionsScaleTo300Dpi) {
    const auto label = LabelTemplate::fromString(
        "^XA\n^FX dpi=203\n^FO203,406^A0N,20,10^FDx^FS\n^FO10,10^GB100,3,3^FS\n^XZ", "t.zpl");
    const std::string zpl = label.render({}, {300, 1218, 1800});
    EXPECT_NE(zpl.find("^FO300,600^A0N,30,15^FDx^FS"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("^FO15,15^GB148,4,4^FS"), std::string::npos) << zpl;
}

TEST(LabelTemplateTest, PositionsScaleDownTo203Dpi) {
    const auto label = LabelTemplate::fromString(
        "^XA\n^FX dpi=600\n^FO600,1200{{code128 order module=6 height=300}}\n^XZ", "t.zpl");
    LabelData data;
    data.fields["order"] = "ABC";
    const std::string zpl = label.render(data, {203, 812, 1218});
    EXPECT_NE(zpl.find("^FO203,406^BY2^BCN,102,Y,N,N,N"), std::string::npos) << zpl;
}

TEST(LabelTemplateTest, LiteralTextInEscapedFieldIsEscaped) {
    const auto label =
        LabelTemplate::fromString("^XA\n^FO10,10^A0N,20,20^FDref_no {{order}}^FS\n^XZ", "t.zpl");
    LabelData data;
    data.fields["order"] = "A_B";
    const std::string zpl = label.render(data, {});
    EXPECT_NE(zpl.find("^FH_^FDref_5Fno A_5FB^FS"), std::string::npos) << zpl;
}

TEST(LabelTemplateTest, FieldLongerThanZplAllowsIsRejected) {
    LabelData data = cartonData(1);
    data.fields["customer_ref"] = std::string(3100, 'R');
    try {
        LabelTemplate::builtin("carton").render(data, {});
        FAIL() << "expected RenderError";
    } catch (const RenderError& error) {
        EXPECT_NE(std::string(error.what()).find("customer_ref"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("3072"), std::string::npos);
    }
}

TEST(LabelTemplateTest, TryRenderReturnsErrorValue) {
    LabelData data = cartonData(1);
    data.fields["order"] = "SO\x01";
    const RenderResult result = LabelTemplate::builtin("carton").tryRender(data, {});
    EXPECT_FALSE(result.ok());
    EXPECT_TRUE(result.zpl.empty());
    EXPECT_NE(result.error.find("Code 128"), std::string::npos) << result.error;
}

TEST(LabelTemplateTest, UnitWithoutGtinUsesSku) {
    LabelData data;
    data.fields = {{"serial", "S1"}, {"sku", "SKU-9"}, {"order", "SO-1"}};
    const std::string zpl = LabelTemplate::builtin("unit").render(data, {});
    EXPECT_NE(zpl.find("SKU SKU-9"), std::string::npos);
    EXPECT_EQ(zpl.find("GTIN"), std::string::npos) << zpl;
    EXPECT_EQ(zpl.find("^FX"), std::string::npos) << zpl;
    EXPECT_NE(zpl.find("^BXN,7,200,,,,`^FH_^FDSKU-9^FS"), std::string::npos) << zpl;
}

TEST(LabelTemplateTest, UnitWithWrongCheckDigitIsRejected) {
    LabelData data;
    data.fields = {{"serial", "S1"}, {"gtin", "09501101530004"}};
    EXPECT_THROW(LabelTemplate::builtin("unit").render(data, {}), RenderError);
}

TEST(LabelTemplateTest, ReprintIsMarkedAndNamesOriginal) {
    LabelData data = cartonData(1);
    data.fields["reprint_reason"] = "label torn";
    data.fields["original_job"] = "42";
    const std::string zpl = LabelTemplate::builtin("reprint").render(data, {});
    EXPECT_NE(zpl.find("^FDREPRINT^FS"), std::string::npos);
    EXPECT_NE(zpl.find("of job 42"), std::string::npos);
    EXPECT_NE(zpl.find("Reason: label torn"), std::string::npos);
}

TEST(LabelTemplateTest, FieldNamesAreListed) {
    const auto names = LabelTemplate::builtin("reprint").fieldNames();
    EXPECT_NE(std::find(names.begin(), names.end(), "reprint_reason"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "unit.serial"), names.end());
}

TEST(TemplateValidationTest, MissingXa) {
    expectTemplateError("^FO1,1^FDx^FS\n^XZ", 1, "before ^XA");
}

TEST(TemplateValidationTest, EmptyTemplate) {
    expectTemplateError("", 1, "missing ^XA");
}

TEST(TemplateValidationTest, MissingXz) {
    expectTemplateError("^XA\n^FO1,1^FDx^FS\n", 3, "^XZ");
}

TEST(TemplateValidationTest, TwoFormats) {
    expectTemplateError("^XA\n^XZ\n^XA\n^XZ", 3, "exactly one label format");
}

TEST(TemplateValidationTest, UnknownPlaceholder) {
    expectTemplateError("^XA\n\n^FO1,1^FD{{ordr}}^FS\n^XZ", 3, "unknown placeholder 'ordr'");
}

TEST(TemplateValidationTest, UnclosedField) {
    expectTemplateError("^XA\n^FO1,1^FDabc\n^FO2,2^FDx^FS\n^XZ", 3, "not closed by ^FS");
}

TEST(TemplateValidationTest, FieldOpenAtEnd) {
    expectTemplateError("^XA\n^FO1,1^FD{{order}}", 2, "not closed by ^FS");
}

TEST(TemplateValidationTest, UnclosedBraces) {
    expectTemplateError("^XA\n^FO1,1^FD{{order^FS\n^XZ", 2, "closing '}}'");
}

TEST(TemplateValidationTest, PlaceholderOutsideField) {
    expectTemplateError("^XA\n^FO1,1{{order}}\n^XZ", 2, "outside ^FD");
}

TEST(TemplateValidationTest, BarcodeInsideField) {
    expectTemplateError("^XA\n^FO1,1^FD{{code128 order}}^FS\n^XZ", 2, "inside ^FD");
}

TEST(TemplateValidationTest, UnitFieldOutsideUnitsBlock) {
    expectTemplateError("^XA\n^FO1,1^FD{{unit.serial}}^FS\n^XZ", 2, "outside a {{#units}}");
}

TEST(TemplateValidationTest, UnclosedBlock) {
    expectTemplateError("^XA\n{{#units}}\n^FO1,1^FD{{unit.serial}}^FS\n^XZ", 2, "not closed");
}

TEST(TemplateValidationTest, MismatchedBlock) {
    expectTemplateError("^XA\n{{#if order}}\n{{/units}}\n^XZ", 3, "does not match");
}

TEST(TemplateValidationTest, CharacterSetOwnedByRenderer) {
    expectTemplateError("^XA\n^CI0\n^XZ", 2, "^CI");
}

TEST(TemplateValidationTest, InvalidDpi) {
    expectTemplateError("^XA\n^FX dpi=150\n^XZ", 2, "dpi");
}

TEST(TemplateValidationTest, Gs1ElementNeedsAis) {
    expectTemplateError("^XA\n^FO1,1{{gs1_128}}\n^XZ", 2, "at least one AI");
}

TEST(TemplateValidationTest, FromFileReportsPath) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("bad-template-" + std::to_string(::getpid()) + ".zpl");
    {
        std::ofstream file(path);
        file << "^XA\n^FO1,1^FD{{nope}}^FS\n^XZ\n";
    }
    try {
        LabelTemplate::fromFile(path);
        FAIL() << "expected TemplateError";
    } catch (const TemplateError& error) {
        EXPECT_EQ(error.file(), path.string());
        EXPECT_EQ(error.line(), 2);
    }
    std::filesystem::remove(path);
}

TEST(TemplateValidationTest, MissingFileIsReported) {
    EXPECT_THROW(LabelTemplate::fromFile("/nonexistent/label.zpl"), TemplateError);
}

}  // namespace
}  // namespace station::print
