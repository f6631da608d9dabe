// csi-import: checks CSI produced elsewhere (QuaDRiGa, Sionna, DeepMIMO, ... saved with
// numpy as a complex .npy array), prints what it holds, and optionally writes it as a
// complex64 array in this project's layout. Wrong shape, a non-finite value, an
// unsupported dtype or a truncated file stop it with a message naming the problem.

#include "channel/npy-reader.h"
#include "channel/npy-writer.h"
#include "helper/scenario-arguments.h"

#include <cmath>
#include <complex>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// "-1,16,48,32,1" -> {-1, 16, 48, 32, 1}; empty -> any shape of the array's rank.
std::vector<std::int64_t>
ParseShapePattern(const std::string& text, std::size_t rank)
{
    std::vector<std::int64_t> pattern;
    if (text.empty())
    {
        return std::vector<std::int64_t>(rank, -1);
    }
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
    {
        try
        {
            std::size_t used = 0;
            pattern.push_back(std::stoll(item, &used));
            if (used != item.size() || pattern.back() < -1)
            {
                throw std::invalid_argument(item);
            }
        }
        catch (const std::exception&)
        {
            throw std::invalid_argument("--shape=" + text + ": '" + item + "' is not a size or -1");
        }
    }
    return pattern;
}

/// The elements as complex64, whatever the (complex or real floating) dtype.
std::vector<std::complex<float>>
AsComplex64(const NpyArray& array)
{
    switch (array.GetDtype())
    {
    case NpyDtype::COMPLEX64:
        return array.GetValues<std::complex<float>>();
    case NpyDtype::COMPLEX128: {
        auto values = array.GetValues<std::complex<double>>();
        return std::vector<std::complex<float>>(values.begin(), values.end());
    }
    case NpyDtype::FLOAT32: {
        auto values = array.GetValues<float>();
        return std::vector<std::complex<float>>(values.begin(), values.end());
    }
    case NpyDtype::FLOAT64: {
        auto values = array.GetValues<double>();
        return std::vector<std::complex<float>>(values.begin(), values.end());
    }
    default:
        throw std::invalid_argument(array.GetSource() + ": dtype " +
                                    NpyDtypeDescr(array.GetDtype()) + " is not CSI");
    }
}

int
Run(int argc, char** argv)
{
    std::string file;
    std::string shape;
    std::string outFile;
    ScenarioArguments args("csi-import",
                           "Validates a CSI array saved with numpy (.npy, complex or real "
                           "floating point): shape, dtype, finiteness, file integrity; prints "
                           "its shape and power; --outFile writes it as complex64.");
    args.Add("file", "the .npy file to import", file);
    args.Add("shape",
             "expected shape, comma-separated, -1 for any size (e.g. -1,16,48,32,1); "
             "empty: any",
             shape);
    args.Add("outFile", "write the validated array here as complex64 (optional)", outFile);
    args.Parse(argc, argv);
    if (file.empty())
    {
        throw std::invalid_argument("--file is required");
    }

    NpyArray array = ReadNpy(file);
    ValidateCsi(array, ParseShapePattern(shape, array.GetShape().size()));
    const std::vector<std::complex<float>> values = AsComplex64(array);
    double power = 0;
    double peak = 0;
    for (const auto& v : values)
    {
        power += std::norm(std::complex<double>(v));
        peak = std::max(peak, double(std::abs(v)));
    }
    std::cout << "csi-import: " << file << ": dtype " << NpyDtypeDescr(array.GetDtype())
              << ", shape (";
    for (std::size_t i = 0; i < array.GetShape().size(); ++i)
    {
        std::cout << (i ? ", " : "") << array.GetShape()[i];
    }
    std::cout << "), mean power " << power / std::max<std::size_t>(1, values.size())
              << ", peak |H| " << peak << ", all finite\n";
    if (!outFile.empty())
    {
        NpyWriter writer(outFile, NpyDtype::COMPLEX64, array.GetShape());
        writer.Append(values.data(), values.size());
        writer.Commit();
        std::cout << "csi-import: wrote " << outFile << " (complex64)\n";
    }
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("csi-import", Run, argc, argv);
}
