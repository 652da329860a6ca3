#include "cli/cli.h"

int main(int argc, char** argv) { return rally::cli::RunCli(argc, argv); }
