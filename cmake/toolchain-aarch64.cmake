# Cross-compiles for 64-bit ARM Linux with Debian's aarch64 cross compiler (g++-aarch64-linux-gnu)
# and arm64 multiarch libraries, and runs the results under user-mode QEMU (qemu-user), so the NEON
# kernels are built and tested on an x86 machine: see scripts/test-arm64.sh.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Libraries and packages only from the arm64 side (/usr/lib/aarch64-linux-gnu, the cross sysroot, and
# architecture-independent /usr/share), never the host's x86 ones; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config too: only arm64 .pc files (else the host's cpp-httplib would be linked).
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)

# "-cpu max" enables every extension QEMU emulates, the dot product (asimddp) among them; -L finds
# the arm64 dynamic loader. ctest and gtest_discover_tests run test programs through this.
find_program(TERN_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${TERN_QEMU_AARCH64} -L /usr/aarch64-linux-gnu -cpu max)
