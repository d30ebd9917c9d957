#include "drivers/keyboard_layout.hpp"

#include <linux/input-event-codes.h>

#include <map>
#include <stdexcept>

namespace station::drivers {

namespace {

using Level = KeyLevel;

// Key codes of each row, left to right, as the Rows strings list them.
constexpr std::array<unsigned, 13> kNumberRow = {KEY_GRAVE, KEY_1,     KEY_2,    KEY_3, KEY_4,
                                                 KEY_5,     KEY_6,     KEY_7,    KEY_8, KEY_9,
                                                 KEY_0,     KEY_MINUS, KEY_EQUAL};
constexpr std::array<unsigned, 12> kTopRow = {KEY_Q, KEY_W, KEY_E,         KEY_R,
                                              KEY_T, KEY_Y, KEY_U,         KEY_I,
                                              KEY_O, KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE};
constexpr std::array<unsigned, 12> kHomeRow = {KEY_A, KEY_S,         KEY_D,          KEY_F,
                                               KEY_G, KEY_H,         KEY_J,          KEY_K,
                                               KEY_L, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_BACKSLASH};
constexpr std::array<unsigned, 11> kBottomRow = {
    KEY_102ND, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M, KEY_COMMA, KEY_DOT, KEY_SLASH};

// The Nordic top row is shared by Swedish, Finnish, Norwegian and Danish.
constexpr std::u32string_view kNordicTop = U"qwertyuiopå¨";
constexpr std::u32string_view kNordicTopShift = U"QWERTYUIOPÅ^";
constexpr std::u32string_view kNordicTopAltGr = U"  €        ~";
const std::vector<Keystroke> kNordicTopDead = {
    {KEY_RIGHTBRACE, Level::Base, true},
    {KEY_RIGHTBRACE, Level::Shift, true},
    {KEY_RIGHTBRACE, Level::AltGr, true},
};

std::vector<Keystroke> join(std::vector<Keystroke> a, const std::vector<Keystroke>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::map<std::string, KeyboardLayout> buildLayouts() {
    std::map<std::string, KeyboardLayout> layouts;
    const auto add = [&](const std::string& name, const KeyboardLayout::Rows& rows) {
        layouts.emplace(name, KeyboardLayout(name, rows));
    };

    add("us", {{U"`1234567890-=", U"~!@#$%^&*()_+"},
               {U"qwertyuiop[]", U"QWERTYUIOP{}"},
               {U"asdfghjkl;'\\", U"ASDFGHJKL:\"|"},
               {U"\\zxcvbnm,./", U"|ZXCVBNM<>?"},
               {}});

    add("uk", {{U"`1234567890-=", U"¬!\"£$%^&*()_+", U"¦   €"},
               {U"qwertyuiop[]", U"QWERTYUIOP{}"},
               {U"asdfghjkl;'#", U"ASDFGHJKL:@~"},
               {U"\\zxcvbnm,./", U"|ZXCVBNM<>?"},
               {}});

    add("de", {{U"^1234567890ß´", U"°!\"§$%&/()=?`", U"  ²³   {[]}\\"},
               {U"qwertzuiopü+", U"QWERTZUIOPÜ*", U"@ €        ~"},
               {U"asdfghjklöä#", U"ASDFGHJKLÖÄ'"},
               {U"<yxcvbnm,.-", U">YXCVBNM;:_", U"|      µ"},
               {{KEY_GRAVE, Level::Base, true},
                {KEY_EQUAL, Level::Base, true},
                {KEY_EQUAL, Level::Shift, true}}});

    add("fr", {{U"²&é\"'(-è_çà)=", U" 1234567890°+", U"  ~#{[|`\\^@]}"},
               {U"azertyuiop^$", U"AZERTYUIOP¨£", U"  €        ¤"},
               {U"qsdfghjklmù*", U"QSDFGHJKLM%µ"},
               {U"<wxcvbn,;:!", U">WXCVBN?./§"},
               {{KEY_2, Level::AltGr, true},
                {KEY_7, Level::AltGr, true},
                {KEY_LEFTBRACE, Level::Base, true},
                {KEY_LEFTBRACE, Level::Shift, true}}});

    add("be", {{U"²&é\"'(§è!çà)-", U"³1234567890°_", U" |@#  ^  {}"},
               {U"azertyuiop^$", U"AZERTYUIOP¨*", U"  €       []"},
               {U"qsdfghjklmùµ", U"QSDFGHJKLM%£", U"          ´`"},
               {U"<wxcvbn,;:=", U">WXCVBN?./+", U"\\         ~"},
               {{KEY_LEFTBRACE, Level::Base, true},
                {KEY_LEFTBRACE, Level::Shift, true},
                {KEY_APOSTROPHE, Level::AltGr, true},
                {KEY_BACKSLASH, Level::AltGr, true},
                {KEY_SLASH, Level::AltGr, true}}});

    add("es", {{U"º1234567890'¡", U"ª!\"·$%&/()=?¿", U"\\|@#~€¬"},
               {U"qwertyuiop`+", U"QWERTYUIOP^*", U"  €       []"},
               {U"asdfghjklñ´ç", U"ASDFGHJKLÑ¨Ç", U"          {}"},
               {U"<zxcvbnm,.-", U">ZXCVBNM;:_"},
               {{KEY_4, Level::AltGr, true},
                {KEY_LEFTBRACE, Level::Base, true},
                {KEY_LEFTBRACE, Level::Shift, true},
                {KEY_APOSTROPHE, Level::Base, true},
                {KEY_APOSTROPHE, Level::Shift, true}}});

    // The Italian layout has no ~ or ` key; scanners send them as Alt+numpad codes.
    add("it", {{U"\\1234567890'ì", U"|!\"£$%&/()=?^"},
               {U"qwertyuiopè+", U"QWERTYUIOPé*", U"  €       []", U"          {}"},
               {U"asdfghjklòàù", U"ASDFGHJKLç°§", U"         @#"},
               {U"<zxcvbnm,.-", U">ZXCVBNM;:_"},
               {}});

    const KeyboardLayout::Rows swedish = {
        {U"§1234567890+´", U"½!\"#¤%&/()=?`", U"  @£$€ {[]}\\"},
        {kNordicTop, kNordicTopShift, kNordicTopAltGr},
        {U"asdfghjklöä'", U"ASDFGHJKLÖÄ*"},
        {U"<zxcvbnm,.-", U">ZXCVBNM;:_", U"|"},
        join({{KEY_EQUAL, Level::Base, true}, {KEY_EQUAL, Level::Shift, true}}, kNordicTopDead)};
    add("se", swedish);
    add("fi", swedish);
    add("nordic", swedish);

    add("no",
        {{U"|1234567890+\\", U"§!\"#¤%&/()=?`", U"  @£$€ {[]} ´"},
         {kNordicTop, kNordicTopShift, kNordicTopAltGr},
         {U"asdfghjkløæ'", U"ASDFGHJKLØÆ*"},
         {U"<zxcvbnm,.-", U">ZXCVBNM;:_"},
         join({{KEY_EQUAL, Level::Shift, true}, {KEY_EQUAL, Level::AltGr, true}}, kNordicTopDead)});

    add("dk",
        {{U"½1234567890+´", U"§!\"#¤%&/()=?`", U"  @£$€ {[]} |"},
         {kNordicTop, kNordicTopShift, kNordicTopAltGr},
         {U"asdfghjklæø'", U"ASDFGHJKLÆØ*"},
         {U"<zxcvbnm,.-", U">ZXCVBNM;:_", U"\\"},
         join({{KEY_EQUAL, Level::Base, true}, {KEY_EQUAL, Level::Shift, true}}, kNordicTopDead)});
    return layouts;
}

const std::map<std::string, KeyboardLayout>& layouts() {
    static const std::map<std::string, KeyboardLayout> table = buildLayouts();
    return table;
}

template <std::size_t N>
void fillRow(std::array<std::array<char32_t, 4>, 128>& characters,
             const std::array<unsigned, N>& codes, const std::array<std::u32string_view, 4>& levels,
             const std::string& layout) {
    for (std::size_t level = 0; level < 4; ++level) {
        const std::u32string_view row = levels[level];
        if (row.size() > N) {
            throw std::logic_error("keyboard layout " + layout + " has a row longer than the keys");
        }
        for (std::size_t i = 0; i < row.size(); ++i) {
            characters[codes[i]][level] = row[i] == U' ' ? 0 : row[i];
        }
    }
}

}  // namespace

KeyboardLayout::KeyboardLayout(std::string name, const Rows& rows) : name_(std::move(name)) {
    fillRow(characters_, kNumberRow, rows.number, name_);
    fillRow(characters_, kTopRow, rows.top, name_);
    fillRow(characters_, kHomeRow, rows.home, name_);
    fillRow(characters_, kBottomRow, rows.bottom, name_);
    for (const Keystroke& key : rows.deadKeys) {
        dead_[key.code][static_cast<std::size_t>(key.level)] = true;
    }
}

const KeyboardLayout* KeyboardLayout::find(std::string_view name) {
    const auto& table = layouts();
    const auto it = table.find(std::string(name));
    return it == table.end() ? nullptr : &it->second;
}

std::vector<std::string> KeyboardLayout::names() {
    std::vector<std::string> out;
    for (const auto& entry : layouts()) {
        out.push_back(entry.first);
    }
    return out;
}

char32_t KeyboardLayout::character(unsigned code, KeyLevel level) const {
    if (code >= characters_.size()) {
        return 0;
    }
    return characters_[code][static_cast<std::size_t>(level)];
}

bool KeyboardLayout::isDead(unsigned code, KeyLevel level) const {
    if (code >= dead_.size()) {
        return false;
    }
    return dead_[code][static_cast<std::size_t>(level)];
}

Keystroke KeyboardLayout::keystrokeFor(char32_t wanted) const {
    for (std::size_t level = 0; level < 4; ++level) {
        for (unsigned code = 0; code < characters_.size(); ++code) {
            if (characters_[code][level] == wanted) {
                const auto keyLevel = static_cast<KeyLevel>(level);
                return {code, keyLevel, isDead(code, keyLevel)};
            }
        }
    }
    return {};
}

}  // namespace station::drivers
