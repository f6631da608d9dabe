// Verifies that LibTorch runs its GEMMs on OpenBLAS, not on the reference BLAS
// (which is about 20x slower), and prints the measured GEMM rate.
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <torch/torch.h>

namespace
{

bool
IsLibraryMapped(const std::string& fragment)
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
    {
        if (line.find(fragment) != std::string::npos)
        {
            return true;
        }
    }
    return false;
}

} // namespace

int
main()
{
    const int64_t n = 512;
    torch::manual_seed(1);
    auto a = torch::randn({n, n});
    auto b = torch::randn({n, n});
    auto c = torch::mm(a, b); // warm-up: loads the BLAS
    const int repeats = 10;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
    {
        c = torch::mm(a, b);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double gflops = 2.0 * n * n * n * repeats / seconds / 1e9;

    if (!IsLibraryMapped("openblas"))
    {
        std::cerr << "blas-check: error: LibTorch is not running on OpenBLAS (measured " << gflops
                  << " GFLOP/s for a " << n << " GEMM). Install libopenblas0-pthread "
                  << "(scripts/setup.sh does) and select it with update-alternatives "
                  << "--config libblas.so.3-x86_64-linux-gnu.\n";
        return 1;
    }
    std::cout << "blas-check: LibTorch " << TORCH_VERSION << " on OpenBLAS, " << gflops
              << " GFLOP/s for a " << n << " GEMM\n";
    return 0;
}
