#include "station/identity/gs1_dates.hpp"

#include <gtest/gtest.h>

namespace station::identity {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::year_month_day kToday{2026y, std::chrono::June, 15d};

TEST(Gs1DatesTest, CenturyWindowAroundCurrentYear) {
    EXPECT_EQ(resolveCentury(26, kToday), 2026y);
    EXPECT_EQ(resolveCentury(76, kToday), 2076y);  // 50 ahead: same century
    EXPECT_EQ(resolveCentury(77, kToday), 1977y);  // 51 ahead: previous century
    EXPECT_EQ(resolveCentury(0, kToday), 2000y);
}

TEST(Gs1DatesTest, CenturyWindowNearCenturyEnd) {
    constexpr std::chrono::year_month_day late{2095y, std::chrono::January, 1d};
    EXPECT_EQ(resolveCentury(45, late), 2145y);  // 50 back: next century
    EXPECT_EQ(resolveCentury(46, late), 2046y);  // 49 back: same century
}

TEST(Gs1DatesTest, ParsesYymmdd) {
    auto date = parseYymmdd("260229", false, kToday);
    EXPECT_FALSE(date.has_value());  // 2026 is not a leap year
    date = parseYymmdd("280229", false, kToday);
    ASSERT_TRUE(date.has_value());
    EXPECT_EQ(*date, (std::chrono::year_month_day{2028y, std::chrono::February, 29d}));
}

TEST(Gs1DatesTest, ZeroDayOnlyWhereAllowed) {
    EXPECT_FALSE(parseYymmdd("260400", false, kToday).has_value());
    auto date = parseYymmdd("260400", true, kToday);
    ASSERT_TRUE(date.has_value());
    EXPECT_EQ(*date, (std::chrono::year_month_day{2026y, std::chrono::April, 30d}));
}

TEST(Gs1DatesTest, RejectsMalformedDates) {
    EXPECT_FALSE(parseYymmdd("261301", false, kToday).has_value());
    EXPECT_FALSE(parseYymmdd("260001", false, kToday).has_value());
    EXPECT_FALSE(parseYymmdd("2601", false, kToday).has_value());
    EXPECT_FALSE(parseYymmdd("26O101", false, kToday).has_value());
    EXPECT_FALSE(parseYyyymmdd("20261232").has_value());
}

TEST(Gs1DatesTest, HhmmRange) {
    EXPECT_TRUE(isValidHhmm("2359"));
    EXPECT_FALSE(isValidHhmm("2400"));
    EXPECT_FALSE(isValidHhmm("1260"));
}

TEST(Gs1DatesTest, FormatsAndParsesIsoDates) {
    EXPECT_EQ(formatDate({2026y, std::chrono::March, 5d}), "2026-03-05");
    auto date = parseIsoDate("2026-03-05");
    ASSERT_TRUE(date.has_value());
    EXPECT_EQ(*date, (std::chrono::year_month_day{2026y, std::chrono::March, 5d}));
    EXPECT_FALSE(parseIsoDate("2026-3-05").has_value());
}

TEST(Gs1DatesTest, InvalidTodayFallsBackToClock) {
    auto today = effectiveToday(std::chrono::year_month_day{});
    EXPECT_TRUE(today.ok());
    EXPECT_GE(today.year(), 2024y);
}

}  // namespace
}  // namespace station::identity
