#pragma once

namespace CLI {
class App;
}

namespace station::vision {

// Registers `stationctl decode [--json] IMAGE...`: runs the camera decode pipeline on image
// files and prints every code found. With --json it prints one line per image:
//   {"file": "...", "codes": [{"format": "...", "text": "...", "symbology": "]d2",
//     "corners": [[x, y], [x, y], [x, y], [x, y]]}], "ms": 12.3}
// Decoding runs in a station-decoder worker when one is found (see defaultDecoderPath()).
// The command exits with 1 when an image cannot be read or decoded, otherwise 0.
void addDecodeCommand(CLI::App& app);

}  // namespace station::vision
