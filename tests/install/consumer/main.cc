// Loads the input given on the command line through the installed library and prints its size.
#include <iostream>

#include "dynamus/core/version.h"
#include "dynamus/imaging/load.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const auto loop = dynamus::imaging::load(argv[1]);
  if (!loop.ok()) {
    std::cerr << loop.status().to_string() << '\n';
    return 1;
  }
  std::cout << "dynamus " << dynamus::kVersion << ": " << loop->frame_count() << " frames of "
            << loop->width_px() << "x" << loop->height_px() << '\n';
  return 0;
}
