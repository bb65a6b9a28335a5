#include "engine/cli.hpp"

int main(int argc, char** argv) { return districtcast::cli::main(argc, argv); }
