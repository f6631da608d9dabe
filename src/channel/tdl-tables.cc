#include "tdl-tables.h"

#include <iterator>
#include <stdexcept>

namespace ns3
{

namespace
{

// TR 38.901 Table 7.7.2-1: TDL-A (NLOS).
constexpr TdlTapRow kTdlA[] = {
    {0.0000, -13.4}, {0.3819, 0.0},   {0.4025, -2.2},  {0.5868, -4.0},  {0.4610, -6.0},
    {0.5375, -8.2},  {0.6708, -9.9},  {0.5750, -10.5}, {0.7618, -7.5},  {1.5375, -15.9},
    {1.8978, -6.6},  {2.2242, -16.7}, {2.1718, -12.4}, {2.4942, -15.2}, {2.5119, -10.8},
    {3.0582, -11.3}, {4.0810, -12.7}, {4.4579, -16.2}, {4.5695, -18.3}, {4.7966, -18.9},
    {5.0066, -16.6}, {5.3043, -19.9}, {9.6586, -29.7},
};

// TR 38.901 Table 7.7.2-2: TDL-B (NLOS).
constexpr TdlTapRow kTdlB[] = {
    {0.0000, 0.0},   {0.1072, -2.2}, {0.2155, -4.0},  {0.2095, -3.2}, {0.2870, -9.8},
    {0.2986, -1.2},  {0.3752, -3.4}, {0.5055, -5.2},  {0.3681, -7.6}, {0.3697, -3.0},
    {0.5700, -8.9},  {0.5283, -9.0}, {1.1021, -4.8},  {1.2756, -5.7}, {1.5474, -7.5},
    {1.7842, -1.9},  {2.0169, -7.6}, {2.8294, -12.2}, {3.0219, -9.8}, {3.6187, -11.4},
    {4.1067, -14.9}, {4.2790, -9.2}, {4.7834, -11.3},
};

// TR 38.901 Table 7.7.2-3: TDL-C (NLOS).
constexpr TdlTapRow kTdlC[] = {
    {0.0000, -4.4},  {0.2099, -1.2},  {0.2219, -3.5},  {0.2329, -5.2},  {0.2176, -2.5},
    {0.6366, 0.0},   {0.6448, -2.2},  {0.6560, -3.9},  {0.6584, -7.4},  {0.7935, -7.1},
    {0.8213, -10.7}, {0.9336, -11.1}, {1.2285, -5.1},  {1.3083, -6.8},  {2.1704, -8.7},
    {2.7105, -13.2}, {4.2589, -13.9}, {4.6003, -13.9}, {5.4902, -15.8}, {5.6077, -17.1},
    {6.3065, -16.0}, {6.6374, -15.7}, {7.0427, -21.6}, {8.6523, -22.8},
};

// TR 38.901 Table 7.7.2-4: TDL-D (LOS). The LOS path of tap 1 (0 delay, -0.2 dB) is
// in kTdlTables below; this is tap 1's Laplacian (Rayleigh) part and taps 2-13.
constexpr TdlTapRow kTdlD[] = {
    {0.000, -13.5},
    {0.035, -18.8},
    {0.612, -21.0},
    {1.363, -22.8},
    {1.405, -17.9},
    {1.804, -20.1},
    {2.596, -21.9},
    {1.775, -22.9},
    {4.042, -27.8},
    {7.937, -23.6},
    {9.424, -24.8},
    {9.708, -30.0},
    {12.525, -27.7},
};

// TR 38.901 Table 7.7.2-5: TDL-E (LOS). The LOS path of tap 1 (0 delay, -0.03 dB) is
// in kTdlTables below; this is tap 1's Laplacian (Rayleigh) part and taps 2-14.
constexpr TdlTapRow kTdlE[] = {
    {0.0000, -22.03},
    {0.5133, -15.8},
    {0.5440, -18.1},
    {0.5630, -19.8},
    {0.5440, -22.9},
    {0.7112, -22.4},
    {1.9092, -18.6},
    {1.9293, -20.8},
    {1.9589, -22.6},
    {2.6426, -22.3},
    {3.7136, -25.6},
    {5.4524, -20.2},
    {12.0034, -29.8},
    {20.6519, -29.2},
};

// Indexed by TdlModel; K-factors as stated under Tables 7.7.2-4 and 7.7.2-5.
const TdlTable kTdlTables[] = {
    {"TDL-A", "TR 38.901 Table 7.7.2-1", kTdlA, std::size(kTdlA), false, 0.0, 0.0},
    {"TDL-B", "TR 38.901 Table 7.7.2-2", kTdlB, std::size(kTdlB), false, 0.0, 0.0},
    {"TDL-C", "TR 38.901 Table 7.7.2-3", kTdlC, std::size(kTdlC), false, 0.0, 0.0},
    {"TDL-D", "TR 38.901 Table 7.7.2-4", kTdlD, std::size(kTdlD), true, -0.2, 13.3},
    {"TDL-E", "TR 38.901 Table 7.7.2-5", kTdlE, std::size(kTdlE), true, -0.03, 22.0},
};

} // namespace

const TdlTable&
GetTdlTable(TdlModel model)
{
    return kTdlTables[static_cast<std::size_t>(model)];
}

TdlModel
TdlModelFromName(const std::string& name)
{
    for (TdlModel model : kAllTdlModels)
    {
        if (name == GetTdlTable(model).name)
        {
            return model;
        }
    }
    throw std::invalid_argument("unknown TDL model \"" + name +
                                "\" (expected TDL-A, TDL-B, TDL-C, TDL-D or TDL-E)");
}

} // namespace ns3
