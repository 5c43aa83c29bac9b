#include <malloc.h>

#include "daemon/commands.hpp"

int main(int argc, char** argv) {
  // glibc raises its trim threshold after large blocks are freed, and then keeps the freed memory:
  // the megabyte-sized buffers of a backfill (eth_getLogs answers, write batches) would stay in the
  // process for good. A fixed threshold gives them back.
  mallopt(M_TRIM_THRESHOLD, 4 << 20);
  return givewatch::daemon::main(argc, argv);
}
