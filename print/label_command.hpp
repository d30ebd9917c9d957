#pragma once

namespace CLI {
class App;
}

namespace station::print {

// Registers `label render` and `label preview` under app:
//   label render TEMPLATE [--set KEY=VALUE]... [--unit KEY=VALUE,...]... [--dpi N]
//                [--width DOTS] [--height DOTS] [--output FILE]
//   label preview TEMPLATE ... --png FILE
// TEMPLATE is a built-in name (carton, unit, reprint) or a path to a .zpl template. Errors
// are reported on standard error and end the command with exit status 1.
void addLabelCommands(CLI::App& app);

}  // namespace station::print
