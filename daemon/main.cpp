#include "daemon/commands.hpp"

int main(int argc, char** argv) {
  return givewatch::daemon::main(argc, argv);
}
