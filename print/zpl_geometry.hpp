#pragma once

#include <string>
#include <string_view>

namespace station::print {

// Converts dots at one resolution to another, and moves rows of a repeated block.
struct Geometry {
    unsigned fromDpi = 203;
    unsigned toDpi = 203;
    int yOffsetDots = 0;  // added to ^FO/^FT y, in dots at fromDpi

    bool isIdentity() const { return fromDpi == toDpi && yOffsetDots == 0; }
    int scale(int dots) const;
};

// Rewrites the position and size parameters of ZPL commands for a geometry: ^FO, ^FT and ^LH
// positions, ^A and ^CF font sizes, ^GB, ^GC, ^GD and ^GE graphics, ^BY module width and height,
// ^BC and ^B3 heights, ^FB width and spacing, ^LS and ^LT shifts. Other commands pass unchanged.
// The text must hold whole commands and no field data.
std::string transformCommands(std::string_view zpl, const Geometry& geometry);

}  // namespace station::print
