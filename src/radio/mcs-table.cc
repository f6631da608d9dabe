#include "mcs-table.h"

#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// TS 38.214 Table 5.1.3.1-1: MCS index table 1 for PDSCH (up to 64QAM), I_MCS 0..28.
const std::vector<ModCodEntry> kMcsTableQam64 = {
    {2, 120, 0.2344}, {2, 157, 0.3066}, {2, 193, 0.3770}, {2, 251, 0.4902}, {2, 308, 0.6016},
    {2, 379, 0.7402}, {2, 449, 0.8770}, {2, 526, 1.0273}, {2, 602, 1.1758}, {2, 679, 1.3262},
    {4, 340, 1.3281}, {4, 378, 1.4766}, {4, 434, 1.6953}, {4, 490, 1.9141}, {4, 553, 2.1602},
    {4, 616, 2.4063}, {4, 658, 2.5703}, {6, 438, 2.5664}, {6, 466, 2.7305}, {6, 517, 3.0293},
    {6, 567, 3.3223}, {6, 616, 3.6094}, {6, 666, 3.9023}, {6, 719, 4.2129}, {6, 772, 4.5234},
    {6, 822, 4.8164}, {6, 873, 5.1152}, {6, 910, 5.3320}, {6, 948, 5.5547},
};

/// TS 38.214 Table 5.1.3.1-2: MCS index table 2 for PDSCH (up to 256QAM), I_MCS 0..27.
const std::vector<ModCodEntry> kMcsTableQam256 = {
    {2, 120, 0.2344},   {2, 193, 0.3770},   {2, 308, 0.6016}, {2, 449, 0.8770}, {2, 602, 1.1758},
    {4, 378, 1.4766},   {4, 434, 1.6953},   {4, 490, 1.9141}, {4, 553, 2.1602}, {4, 616, 2.4063},
    {4, 658, 2.5703},   {6, 466, 2.7305},   {6, 517, 3.0293}, {6, 567, 3.3223}, {6, 616, 3.6094},
    {6, 666, 3.9023},   {6, 719, 4.2129},   {6, 772, 4.5234}, {6, 822, 4.8164}, {6, 873, 5.1152},
    {8, 682.5, 5.3320}, {8, 711, 5.5547},   {8, 754, 5.8906}, {8, 797, 6.2266}, {8, 841, 6.5703},
    {8, 885, 6.9141},   {8, 916.5, 7.1602}, {8, 948, 7.4063},
};

/// TS 38.214 Table 5.2.2.1-2: 4-bit CQI table 1 (up to 64QAM), CQI 1..15.
const std::vector<ModCodEntry> kCqiTableQam64 = {
    {2, 78, 0.1523},
    {2, 120, 0.2344},
    {2, 193, 0.3770},
    {2, 308, 0.6016},
    {2, 449, 0.8770},
    {2, 602, 1.1758},
    {4, 378, 1.4766},
    {4, 490, 1.9141},
    {4, 616, 2.4063},
    {6, 466, 2.7305},
    {6, 567, 3.3223},
    {6, 666, 3.9023},
    {6, 772, 4.5234},
    {6, 873, 5.1152},
    {6, 948, 5.5547},
};

/// TS 38.214 Table 5.2.2.1-3: 4-bit CQI table 2 (up to 256QAM), CQI 1..15.
const std::vector<ModCodEntry> kCqiTableQam256 = {
    {2, 78, 0.1523},
    {2, 193, 0.3770},
    {2, 449, 0.8770},
    {4, 378, 1.4766},
    {4, 490, 1.9141},
    {4, 616, 2.4063},
    {6, 466, 2.7305},
    {6, 567, 3.3223},
    {6, 666, 3.9023},
    {6, 772, 4.5234},
    {6, 873, 5.1152},
    {8, 711, 5.5547},
    {8, 797, 6.2266},
    {8, 885, 6.9141},
    {8, 948, 7.4063},
};

} // namespace

const std::vector<ModCodEntry>&
McsTable::GetMcsEntries(Type type)
{
    return type == QAM64 ? kMcsTableQam64 : kMcsTableQam256;
}

const ModCodEntry&
McsTable::GetMcs(Type type, uint8_t mcs)
{
    const auto& entries = GetMcsEntries(type);
    if (mcs >= entries.size())
    {
        std::ostringstream msg;
        msg << "MCS index " << unsigned(mcs) << " is reserved or out of range [0, "
            << entries.size() - 1 << "] of TS 38.214 Table "
            << (type == QAM64 ? "5.1.3.1-1" : "5.1.3.1-2");
        throw std::invalid_argument(msg.str());
    }
    return entries[mcs];
}

const ModCodEntry&
McsTable::GetCqi(Type type, uint8_t cqi)
{
    if (cqi < 1 || cqi > kMaxCqi)
    {
        std::ostringstream msg;
        msg << "CQI index " << unsigned(cqi) << " is out of range [1, " << unsigned(kMaxCqi)
            << "] (CQI 0 means out of range and has no modulation, TS 38.214 sec. 5.2.2.1)";
        throw std::invalid_argument(msg.str());
    }
    return (type == QAM64 ? kCqiTableQam64 : kCqiTableQam256)[cqi - 1];
}

void
McsTable::CheckModulationOrder(uint8_t qm)
{
    if (qm != 1 && qm != 2 && qm != 4 && qm != 6 && qm != 8)
    {
        std::ostringstream msg;
        msg << "modulation order " << unsigned(qm) << " is not one of 1, 2, 4, 6, 8";
        throw std::invalid_argument(msg.str());
    }
}

} // namespace ns3
