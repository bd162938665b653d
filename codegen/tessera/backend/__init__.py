"""Stage 5, the back ends: generate, configure and build with CMake/Ninja
over one shared module (build), then the target image (target, packed by
tessera/image.py) or the simulator (sim); boot a target in QEMU (qemu)."""
