#include "station/identity/gs1_ai_table.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

namespace station::identity {

namespace {

// One row of the table below. A row with a family range stands for the AIs `prefix` followed
// by each digit from familyFirst to familyLast, such as 3100 to 3105.
struct AiRow {
    std::string_view prefix;
    std::string_view title;
    std::string_view format;
    int familyFirst = -1;
    int familyLast = -1;
};

// The AIs of the GS1 General Specifications and the GS1 Barcode Syntax Dictionary. GS1 adds
// AIs in new releases, so a label with an AI missing here is rejected as unknown_ai until the
// row is added. Formats: N numeric, X CSET 82, Y CSET 39, Z CSET 64. "14" is a fixed length
// and "..20" a maximum, brackets mark an optional component, and ",rule" names an extra check.
constexpr AiRow kRows[] = {
    {"00", "SSCC", "N18,csum"},
    {"01", "GTIN", "N14,csum"},
    {"02", "CONTENT", "N14,csum"},
    {"03", "MTO GTIN", "N14,csum"},
    {"10", "BATCH/LOT", "X..20"},
    {"11", "PROD DATE", "N6,yymmd0"},
    {"12", "DUE DATE", "N6,yymmd0"},
    {"13", "PACK DATE", "N6,yymmd0"},
    {"15", "BEST BEFORE or BEST BY", "N6,yymmd0"},
    {"16", "SELL BY", "N6,yymmd0"},
    {"17", "USE BY or EXPIRY", "N6,yymmd0"},
    {"20", "VARIANT", "N2"},
    {"21", "SERIAL", "X..20"},
    {"22", "CPV", "X..20"},
    {"235", "TPX", "X..28"},
    {"240", "ADDITIONAL ID", "X..30"},
    {"241", "CUST. PART No.", "X..30"},
    {"242", "MTO VARIANT", "N..6"},
    {"243", "PCN", "X..20"},
    {"250", "SECONDARY SERIAL", "X..30"},
    {"251", "REF. TO SOURCE", "X..30"},
    {"253", "GDTI", "N13,csum [X..17]"},
    {"254", "GLN EXTENSION COMPONENT", "X..20"},
    {"255", "GCN", "N13,csum [N..12]"},
    {"30", "VAR. COUNT", "N..8"},
    {"310", "NET WEIGHT (kg)", "N6", 0, 5},
    {"311", "LENGTH (m)", "N6", 0, 5},
    {"312", "WIDTH (m)", "N6", 0, 5},
    {"313", "HEIGHT (m)", "N6", 0, 5},
    {"314", "AREA (m2)", "N6", 0, 5},
    {"315", "NET VOLUME (l)", "N6", 0, 5},
    {"316", "NET VOLUME (m3)", "N6", 0, 5},
    {"320", "NET WEIGHT (lb)", "N6", 0, 5},
    {"321", "LENGTH (in)", "N6", 0, 5},
    {"322", "LENGTH (ft)", "N6", 0, 5},
    {"323", "LENGTH (yd)", "N6", 0, 5},
    {"324", "WIDTH (in)", "N6", 0, 5},
    {"325", "WIDTH (ft)", "N6", 0, 5},
    {"326", "WIDTH (yd)", "N6", 0, 5},
    {"327", "HEIGHT (in)", "N6", 0, 5},
    {"328", "HEIGHT (ft)", "N6", 0, 5},
    {"329", "HEIGHT (yd)", "N6", 0, 5},
    {"330", "GROSS WEIGHT (kg)", "N6", 0, 5},
    {"331", "LENGTH (m), log", "N6", 0, 5},
    {"332", "WIDTH (m), log", "N6", 0, 5},
    {"333", "HEIGHT (m), log", "N6", 0, 5},
    {"334", "AREA (m2), log", "N6", 0, 5},
    {"335", "VOLUME (l), log", "N6", 0, 5},
    {"336", "VOLUME (m3), log", "N6", 0, 5},
    {"337", "KG PER m2", "N6", 0, 5},
    {"340", "GROSS WEIGHT (lb)", "N6", 0, 5},
    {"341", "LENGTH (in), log", "N6", 0, 5},
    {"342", "LENGTH (ft), log", "N6", 0, 5},
    {"343", "LENGTH (yd), log", "N6", 0, 5},
    {"344", "WIDTH (in), log", "N6", 0, 5},
    {"345", "WIDTH (ft), log", "N6", 0, 5},
    {"346", "WIDTH (yd), log", "N6", 0, 5},
    {"347", "HEIGHT (in), log", "N6", 0, 5},
    {"348", "HEIGHT (ft), log", "N6", 0, 5},
    {"349", "HEIGHT (yd), log", "N6", 0, 5},
    {"350", "AREA (in2)", "N6", 0, 5},
    {"351", "AREA (ft2)", "N6", 0, 5},
    {"352", "AREA (yd2)", "N6", 0, 5},
    {"353", "AREA (in2), log", "N6", 0, 5},
    {"354", "AREA (ft2), log", "N6", 0, 5},
    {"355", "AREA (yd2), log", "N6", 0, 5},
    {"356", "NET WEIGHT (t oz)", "N6", 0, 5},
    {"357", "NET VOLUME (oz)", "N6", 0, 5},
    {"360", "NET VOLUME (qt)", "N6", 0, 5},
    {"361", "NET VOLUME (gal.)", "N6", 0, 5},
    {"362", "VOLUME (qt), log", "N6", 0, 5},
    {"363", "VOLUME (gal.), log", "N6", 0, 5},
    {"364", "VOLUME (in3)", "N6", 0, 5},
    {"365", "VOLUME (ft3)", "N6", 0, 5},
    {"366", "VOLUME (yd3)", "N6", 0, 5},
    {"367", "VOLUME (in3), log", "N6", 0, 5},
    {"368", "VOLUME (ft3), log", "N6", 0, 5},
    {"369", "VOLUME (yd3), log", "N6", 0, 5},
    {"37", "COUNT", "N..8"},
    {"390", "AMOUNT", "N..15", 0, 9},
    {"391", "AMOUNT", "N3,iso4217 N..15", 0, 9},
    {"392", "PRICE", "N..15", 0, 9},
    {"393", "PRICE", "N3,iso4217 N..15", 0, 9},
    {"394", "PRCNT OFF", "N4", 0, 3},
    {"395", "PRICE/UoM", "N6", 0, 5},
    {"400", "ORDER NUMBER", "X..30"},
    {"401", "GINC", "X..30"},
    {"402", "GSIN", "N17,csum"},
    {"403", "ROUTE", "X..30"},
    {"410", "SHIP TO LOC", "N13,csum"},
    {"411", "BILL TO", "N13,csum"},
    {"412", "PURCHASE FROM", "N13,csum"},
    {"413", "SHIP FOR LOC", "N13,csum"},
    {"414", "LOC No.", "N13,csum"},
    {"415", "PAY TO", "N13,csum"},
    {"416", "PROD/SERV LOC", "N13,csum"},
    {"417", "PARTY", "N13,csum"},
    {"420", "SHIP TO POST", "X..20"},
    {"421", "SHIP TO POST", "N3,iso3166 X..9"},
    {"422", "ORIGIN", "N3,iso3166"},
    {"423", "COUNTRY - INITIAL PROCESS", "N3,iso3166 [N..12],iso3166list"},
    {"424", "COUNTRY - PROCESS", "N3,iso3166"},
    {"425", "COUNTRY - DISASSEMBLY", "N3,iso3166 [N..12],iso3166list"},
    {"426", "COUNTRY - FULL PROCESS", "N3,iso3166"},
    {"427", "ORIGIN SUBDIVISION", "X..3"},
    {"4300", "SHIP TO COMP", "X..35,pcenc"},
    {"4301", "SHIP TO NAME", "X..35,pcenc"},
    {"4302", "SHIP TO ADD1", "X..70,pcenc"},
    {"4303", "SHIP TO ADD2", "X..70,pcenc"},
    {"4304", "SHIP TO SUB", "X..70,pcenc"},
    {"4305", "SHIP TO LOC", "X..70,pcenc"},
    {"4306", "SHIP TO REG", "X..70,pcenc"},
    {"4307", "SHIP TO COUNTRY", "X2,iso3166alpha2"},
    {"4308", "SHIP TO PHONE", "X..30"},
    {"4309", "SHIP TO GEO", "N20,latlong"},
    {"4310", "RTN TO COMP", "X..35,pcenc"},
    {"4311", "RTN TO NAME", "X..35,pcenc"},
    {"4312", "RTN TO ADD1", "X..70,pcenc"},
    {"4313", "RTN TO ADD2", "X..70,pcenc"},
    {"4314", "RTN TO SUB", "X..70,pcenc"},
    {"4315", "RTN TO LOC", "X..70,pcenc"},
    {"4316", "RTN TO REG", "X..70,pcenc"},
    {"4317", "RTN TO COUNTRY", "X2,iso3166alpha2"},
    {"4318", "RTN TO POST", "X..20"},
    {"4319", "RTN TO PHONE", "X..30"},
    {"4320", "SRV DESCRIPTION", "X..35,pcenc"},
    {"4321", "DANGEROUS GOODS", "N1,yesno"},
    {"4322", "AUTH TO LEAVE", "N1,yesno"},
    {"4323", "SIG REQUIRED", "N1,yesno"},
    {"4324", "NOT BEF DEL DT", "N6,yymmd0 N4,hhmm"},
    {"4325", "NOT AFT DEL DT", "N6,yymmd0 N4,hhmm"},
    {"4326", "REL DATE", "N6,yymmdd"},
    {"4330", "MAX TEMP F", "N6 [X1],hyphen"},
    {"4331", "MAX TEMP C", "N6 [X1],hyphen"},
    {"4332", "MIN TEMP F", "N6 [X1],hyphen"},
    {"4333", "MIN TEMP C", "N6 [X1],hyphen"},
    {"7001", "NSN", "N13"},
    {"7002", "MEAT CUT", "X..30"},
    {"7003", "EXPIRY TIME", "N6,yymmdd N4,hhmm"},
    {"7004", "ACTIVE POTENCY", "N..4"},
    {"7005", "CATCH AREA", "X..12"},
    {"7006", "FIRST FREEZE DATE", "N6,yymmdd"},
    {"7007", "HARVEST DATE", "N6,yymmdd [N6],yymmdd"},
    {"7008", "AQUATIC SPECIES", "X..3"},
    {"7009", "FISHING GEAR TYPE", "X..10"},
    {"7010", "PROD METHOD", "X..2"},
    {"7011", "TEST BY DATE", "N6,yymmdd [N4],hhmm"},
    {"7020", "REFURB LOT", "X..20"},
    {"7021", "FUNC STAT", "X..20"},
    {"7022", "REV STAT", "X..20"},
    {"7023", "GIAI - ASSEMBLY", "X..30"},
    {"703", "PROCESSOR # s", "N3,iso3166 X..27", 0, 9},
    {"7040", "UIC+EXT", "N1 X1 X1 X1"},
    {"7041", "UFRGT UNIT TYPE", "X..4"},
    {"710", "NHRN PZN", "X..20"},
    {"711", "NHRN CIP", "X..20"},
    {"712", "NHRN CN", "X..20"},
    {"713", "NHRN DRN", "X..20"},
    {"714", "NHRN AIM", "X..20"},
    {"715", "NHRN NDC", "X..20"},
    {"716", "NHRN AIC", "X..20"},
    {"723", "CERT # s", "X2 X..28", 0, 9},
    {"7240", "PROTOCOL", "X..20"},
    {"7241", "AIDC MEDIA TYPE", "N2"},
    {"7242", "VCN", "X..25"},
    {"7250", "DOB", "N8,yyyymmdd"},
    {"7251", "DOB TIME", "N8,yyyymmdd N4,hhmm"},
    {"7252", "BIO SEX", "N1,iso5218"},
    {"7253", "FAMILY NAME", "X..40,pcenc"},
    {"7254", "GIVEN NAME", "X..40,pcenc"},
    {"7255", "SUFFIX", "X..10"},
    {"7256", "FULL NAME", "X..90,pcenc"},
    {"7257", "PERSON ADDR", "X..70,pcenc"},
    {"7258", "BIRTH SEQUENCE", "N1 X1,slash N1"},
    {"7259", "BABY", "X..40,pcenc"},
    {"8001", "DIMENSIONS", "N4,nonzero N5,nonzero N3,nonzero N1,winding N1"},
    {"8002", "CMT No.", "X..20"},
    {"8003", "GRAI", "N1,zero N13,csum [X..16]"},
    {"8004", "GIAI", "X..30"},
    {"8005", "PRICE PER UNIT", "N6"},
    {"8006", "ITIP", "N14,csum N4,pieceoftotal"},
    {"8007", "IBAN", "X..34,iban"},
    {"8008", "PROD TIME", "N8,yymmddhh [N..4],mmoptss"},
    {"8009", "OPTSEN", "X..50"},
    {"8010", "CPID", "Y..30"},
    {"8011", "CPID SERIAL", "N..12,nozeroprefix"},
    {"8012", "VERSION", "X..20"},
    {"8013", "GMN", "X..25,csumalpha"},
    {"8014", "MUDI", "X..25,csumalpha"},
    {"8017", "GSRN - PROVIDER", "N18,csum"},
    {"8018", "GSRN - RECIPIENT", "N18,csum"},
    {"8019", "SRIN", "N..10"},
    {"8020", "REF No.", "X..25"},
    {"8026", "ITIP CONTENT", "N14,csum N4,pieceoftotal"},
    {"8030", "DIGSIG", "Z..90"},
    {"8110", "COUPON (North America)", "X..70"},
    {"8111", "POINTS", "N4"},
    {"8112", "PAPERLESS COUPON (North America)", "X..70"},
    {"8200", "PRODUCT URL", "X..70"},
    {"90", "INTERNAL", "X..30"},
    {"9", "INTERNAL", "X..90", 1, 9},
};

// The predefined-length table of the GS1 General Specifications: element length, AI included,
// by the first two digits of the AI.
constexpr std::pair<std::string_view, std::size_t> kPredefinedLengths[] = {
    {"00", 20}, {"01", 16}, {"02", 16}, {"03", 16}, {"04", 18}, {"11", 8},  {"12", 8}, {"13", 8},
    {"14", 8},  {"15", 8},  {"16", 8},  {"17", 8},  {"18", 8},  {"19", 8},  {"20", 4}, {"31", 10},
    {"32", 10}, {"33", 10}, {"34", 10}, {"35", 10}, {"36", 10}, {"41", 16},
};

Gs1Rule ruleFromName(std::string_view name) {
    static const std::map<std::string_view, Gs1Rule> kRules = {
        {"csum", Gs1Rule::CheckDigit},
        {"yymmdd", Gs1Rule::Date},
        {"yymmd0", Gs1Rule::DateZeroDay},
        {"yyyymmdd", Gs1Rule::Date8},
        {"yymmddhh", Gs1Rule::DateHour},
        {"mmoptss", Gs1Rule::MinuteSecond},
        {"nonzero", Gs1Rule::NonZero},
        {"winding", Gs1Rule::Winding},
        {"pieceoftotal", Gs1Rule::PieceOfTotal},
        {"nozeroprefix", Gs1Rule::NoZeroPrefix},
        {"hhmm", Gs1Rule::Hhmm},
        {"iso3166", Gs1Rule::CountryNumeric},
        {"iso3166list", Gs1Rule::CountryList},
        {"iso3166alpha2", Gs1Rule::CountryAlpha2},
        {"iso4217", Gs1Rule::Currency},
        {"yesno", Gs1Rule::YesNo},
        {"iso5218", Gs1Rule::BiologicalSex},
        {"latlong", Gs1Rule::LatLong},
        {"pcenc", Gs1Rule::PercentEncoded},
        {"zero", Gs1Rule::Zero},
        {"hyphen", Gs1Rule::Hyphen},
        {"slash", Gs1Rule::Slash},
        {"iban", Gs1Rule::Iban},
        {"csumalpha", Gs1Rule::CheckPair},
    };
    auto it = kRules.find(name);
    if (it == kRules.end()) {
        throw std::logic_error("Unknown rule in GS1 AI table: " + std::string{name});
    }
    return it->second;
}

// Parses one component such as "N..15", "[N6],yymmdd" or "X2,iso3166alpha2".
Gs1Component parseComponent(std::string_view text) {
    Gs1Component component;
    if (auto comma = text.find(','); comma != std::string_view::npos) {
        component.rule = ruleFromName(text.substr(comma + 1));
        text = text.substr(0, comma);
    }
    if (text.front() == '[') {
        component.optional = true;
        text = text.substr(1, text.size() - 2);
    }

    switch (text.front()) {
        case 'N':
            component.charset = Gs1Charset::Numeric;
            break;
        case 'X':
            component.charset = Gs1Charset::Cset82;
            break;
        case 'Y':
            component.charset = Gs1Charset::Cset39;
            break;
        case 'Z':
            component.charset = Gs1Charset::Cset64;
            break;
        default:
            throw std::logic_error("Unknown charset in GS1 AI table: " + std::string{text});
    }
    text = text.substr(1);

    bool variable = text.starts_with("..");
    if (variable) {
        text = text.substr(2);
    }
    int length = std::stoi(std::string{text});
    component.maxLength = static_cast<std::uint8_t>(length);
    component.minLength = variable ? 1 : static_cast<std::uint8_t>(length);
    return component;
}

Gs1AiDefinition makeDefinition(std::string ai, const AiRow& row) {
    Gs1AiDefinition definition;
    definition.title = std::string{row.title};
    definition.format = std::string{row.format};

    std::string_view format = row.format;
    while (!format.empty()) {
        auto space = format.find(' ');
        definition.components.push_back(parseComponent(format.substr(0, space)));
        format = space == std::string_view::npos ? std::string_view{} : format.substr(space + 1);
    }
    for (const auto& component : definition.components) {
        definition.maxLength += component.maxLength;
        if (!component.optional) {
            definition.minLength += component.minLength;
        }
        if (component.rule == Gs1Rule::DateZeroDay) {
            definition.zeroDayAllowed = true;
        }
    }

    definition.predefinedLength = gs1PredefinedElementLength(ai.substr(0, 2)).has_value();
    definition.lastDigitIsDecimalPoint =
        (ai.size() == 4 && ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6') ||
        (ai.size() == 4 && ai.starts_with("39"));
    definition.ai = std::move(ai);
    return definition;
}

std::vector<Gs1AiDefinition> buildTable() {
    std::vector<Gs1AiDefinition> table;
    for (const auto& row : kRows) {
        if (row.familyFirst < 0) {
            table.push_back(makeDefinition(std::string{row.prefix}, row));
            continue;
        }
        for (int digit = row.familyFirst; digit <= row.familyLast; ++digit) {
            std::string ai{row.prefix};
            ai.push_back(static_cast<char>('0' + digit));
            table.push_back(makeDefinition(std::move(ai), row));
        }
    }
    std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.ai < b.ai; });
    return table;
}

// Index of each AI by its numeric value, one array per AI length, for a lookup without
// allocation: the entry is the position in the table plus one, 0 when there is no such AI.
struct AiIndex {
    std::array<std::uint16_t, 100> twoDigit{};
    std::array<std::uint16_t, 1000> threeDigit{};
    std::array<std::uint16_t, 10000> fourDigit{};
};

const AiIndex& aiIndex() {
    static const AiIndex index = [] {
        AiIndex built;
        const auto& table = gs1AiTable();
        for (std::size_t i = 0; i < table.size(); ++i) {
            int number = std::stoi(table[i].ai);
            auto slot = static_cast<std::uint16_t>(i + 1);
            switch (table[i].ai.size()) {
                case 2:
                    built.twoDigit[static_cast<std::size_t>(number)] = slot;
                    break;
                case 3:
                    built.threeDigit[static_cast<std::size_t>(number)] = slot;
                    break;
                default:
                    built.fourDigit[static_cast<std::size_t>(number)] = slot;
                    break;
            }
        }
        return built;
    }();
    return index;
}

}  // namespace

const std::vector<Gs1AiDefinition>& gs1AiTable() {
    static const std::vector<Gs1AiDefinition> table = buildTable();
    return table;
}

const Gs1AiDefinition* findGs1Ai(std::string_view data) {
    const auto& index = aiIndex();
    const auto& table = gs1AiTable();

    std::size_t number = 0;
    for (std::size_t length = 1; length <= 4 && length <= data.size(); ++length) {
        char c = data[length - 1];
        if (c < '0' || c > '9') {
            return nullptr;
        }
        number = number * 10 + static_cast<std::size_t>(c - '0');

        std::uint16_t slot = 0;
        if (length == 2) {
            slot = index.twoDigit[number];
        } else if (length == 3) {
            slot = index.threeDigit[number];
        } else if (length == 4) {
            slot = index.fourDigit[number];
        }
        if (slot != 0) {
            return &table[slot - 1];
        }
    }
    return nullptr;
}

std::optional<std::size_t> gs1PredefinedElementLength(std::string_view firstTwoDigits) {
    for (const auto& [prefix, length] : kPredefinedLengths) {
        if (prefix == firstTwoDigits) {
            return length;
        }
    }
    return std::nullopt;
}

bool isInGs1Charset(char c, Gs1Charset charset) {
    bool digit = c >= '0' && c <= '9';
    bool upper = c >= 'A' && c <= 'Z';
    bool lower = c >= 'a' && c <= 'z';
    switch (charset) {
        case Gs1Charset::Numeric:
            return digit;
        case Gs1Charset::Cset82:
            return digit || upper || lower ||
                   std::string_view{"!\"%&'()*+,-./:;<=>?_"}.find(c) != std::string_view::npos;
        case Gs1Charset::Cset39:
            return digit || upper || c == '#' || c == '-' || c == '/';
        case Gs1Charset::Cset64:
            return digit || upper || lower || c == '-' || c == '_' || c == '=';
    }
    return false;
}

std::string_view gs1CharsetName(Gs1Charset charset) {
    switch (charset) {
        case Gs1Charset::Numeric:
            return "numeric";
        case Gs1Charset::Cset82:
            return "CSET 82";
        case Gs1Charset::Cset39:
            return "CSET 39";
        case Gs1Charset::Cset64:
            return "CSET 64";
    }
    return "unknown";
}

}  // namespace station::identity
