#include "radio/cell-layout.h"

#include "ns3/constant-position-mobility-model.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/random-walk-2d-mobility-model.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CellLayout");
NS_OBJECT_ENSURE_REGISTERED(CellLayout);

namespace
{

constexpr double kDegToRad = M_PI / 180.0;
constexpr uint32_t kInhColumns = 6; // TR 38.901 Table 7.2-2: 12 BSs, 6 x 2 grid
constexpr uint32_t kInhRows = 2;
constexpr double kInhHallLengthInIsd = 6.0; // 120 m hall at 20 m spacing
constexpr double kInhHallWidthInIsd = 2.5;  // 50 m hall at 20 m spacing

} // namespace

TypeId
CellLayout::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CellLayout")
            .SetParent<Object>()
            .SetGroupName("Radio")
            .AddConstructor<CellLayout>()
            .AddAttribute(
                "Scenario",
                "TR 38.901 sec. 7.2 deployment scenario: UMa, UMi-StreetCanyon (alias "
                "UMi), InH-OfficeMixed, InH-OfficeOpen or RMa.",
                StringValue("UMa"),
                MakeStringAccessor(&CellLayout::SetScenarioName, &CellLayout::GetScenarioName),
                MakeStringChecker())
            .AddAttribute(
                "NumSites",
                "Macro sites in hexagon rings 0..2: 1, 7 or 19 (TR 38.901 Table 7.8-1 "
                "calibrates with 19). Not used by InH (12 BSs, Table 7.2-2).",
                UintegerValue(7),
                MakeUintegerAccessor(&CellLayout::SetNumSites, &CellLayout::GetConfiguredNumSites),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute("SectorsPerSite",
                          "Cells per macro site: 1 (omni) or 3 (boresights 30, 150, 270 deg, "
                          "TR 38.901 sec. 7.8). Not used by InH (one cell per BS).",
                          UintegerValue(3),
                          MakeUintegerAccessor(&CellLayout::SetSectorsPerSite,
                                               &CellLayout::GetConfiguredSectorsPerSite),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "IsdM",
                "Inter-site distance in m (InH: BS spacing, the hall scales with it); "
                "0 selects the scenario's value of TR 38.901 Tables 7.2-1 to 7.2-3 "
                "(UMa 500, UMi 200, RMa 1732, InH 20).",
                DoubleValue(0.0),
                MakeDoubleAccessor(&CellLayout::SetIsdAttribute, &CellLayout::GetIsdAttribute),
                MakeDoubleChecker<double>());
    return tid;
}

CellLayout::CellLayout()
    : m_scenario(ThreeGppScenario::UMa),
      m_numSites(7),
      m_sectorsPerSite(3),
      m_isdAttributeM(0.0),
      m_uniform(CreateObject<UniformRandomVariable>())
{
    Rebuild();
}

void
CellLayout::SetScenarioName(const std::string& name)
{
    const ThreeGppScenario previous = m_scenario;
    m_scenario = ParseThreeGppScenario(name);
    RebuildOrRevert([this, previous] { m_scenario = previous; });
}

std::string
CellLayout::GetScenarioName() const
{
    return ToString(m_scenario);
}

void
CellLayout::SetNumSites(uint32_t numSites)
{
    if (numSites != 1 && numSites != 7 && numSites != 19)
    {
        throw std::invalid_argument("NumSites " + std::to_string(numSites) +
                                    " is not 1, 7 or 19 (hexagon rings 0..2)");
    }
    const uint32_t previous = m_numSites;
    m_numSites = numSites;
    RebuildOrRevert([this, previous] { m_numSites = previous; });
}

uint32_t
CellLayout::GetConfiguredNumSites() const
{
    return m_numSites;
}

void
CellLayout::SetSectorsPerSite(uint32_t sectorsPerSite)
{
    if (sectorsPerSite != 1 && sectorsPerSite != 3)
    {
        throw std::invalid_argument("SectorsPerSite " + std::to_string(sectorsPerSite) +
                                    " is not 1 or 3");
    }
    const uint32_t previous = m_sectorsPerSite;
    m_sectorsPerSite = sectorsPerSite;
    RebuildOrRevert([this, previous] { m_sectorsPerSite = previous; });
}

uint32_t
CellLayout::GetConfiguredSectorsPerSite() const
{
    return m_sectorsPerSite;
}

void
CellLayout::SetIsdAttribute(double isdM)
{
    if (!(isdM >= 0.0) || !std::isfinite(isdM))
    {
        std::ostringstream msg;
        msg << "IsdM " << isdM << " must be a finite value >= 0 m (0 selects the scenario's ISD)";
        throw std::invalid_argument(msg.str());
    }
    const double previous = m_isdAttributeM;
    m_isdAttributeM = isdM;
    RebuildOrRevert([this, previous] { m_isdAttributeM = previous; });
}

double
CellLayout::GetIsdAttribute() const
{
    return m_isdAttributeM;
}

ThreeGppScenario
CellLayout::GetScenario() const
{
    return m_scenario;
}

double
CellLayout::GetIsdM() const
{
    return m_isdAttributeM > 0.0 ? m_isdAttributeM : GetThreeGppScenarioParameters(m_scenario).isdM;
}

uint32_t
CellLayout::GetNumSites() const
{
    return m_cells.back().siteId + 1;
}

uint32_t
CellLayout::GetSectorsPerSite() const
{
    return IsIndoor(m_scenario) ? 1 : m_sectorsPerSite;
}

const std::vector<CellInfo>&
CellLayout::GetCells() const
{
    return m_cells;
}

double
CellLayout::GetUeHeightM() const
{
    return GetThreeGppScenarioParameters(m_scenario).ueHeightM;
}

double
CellLayout::GetMinBsUeDistance2dM() const
{
    return GetThreeGppScenarioParameters(m_scenario).minBsUeDistance2dM;
}

Rectangle
CellLayout::GetBounds() const
{
    double xMin = std::numeric_limits<double>::infinity();
    double xMax = -xMin;
    double yMin = xMin;
    double yMax = -xMin;
    for (const CellArea& area : m_areas)
    {
        xMin = std::min(xMin, area.centreXM - area.halfWidthXM);
        xMax = std::max(xMax, area.centreXM + area.halfWidthXM);
        yMin = std::min(yMin, area.centreYM - area.halfWidthYM);
        yMax = std::max(yMax, area.centreYM + area.halfWidthYM);
    }
    return Rectangle(xMin, xMax, yMin, yMax);
}

void
CellLayout::Rebuild()
{
    m_cells.clear();
    m_areas.clear();
    if (IsIndoor(m_scenario))
    {
        BuildIndoor();
    }
    else
    {
        BuildMacro();
    }
    NS_LOG_INFO(ToString(m_scenario)
                << ": " << m_cells.size() << " cells, ISD " << GetIsdM() << " m");
}

void
CellLayout::RebuildOrRevert(const std::function<void()>& revert)
{
    try
    {
        Rebuild();
    }
    catch (const std::invalid_argument&)
    {
        // Keep the layout usable: the previous configuration was valid.
        revert();
        Rebuild();
        throw;
    }
}

void
CellLayout::BuildMacro()
{
    const double isdM = GetIsdM();
    const ThreeGppScenarioParameters& params = GetThreeGppScenarioParameters(m_scenario);

    // Site centres: ring 1 at ISD in the directions 30 + 60k deg; ring 2 alternates the
    // corners at 2 ISD (30 + 60k deg) and the edge midpoints at sqrt(3) ISD (60 + 60k deg).
    std::vector<std::pair<double, double>> sites = {{0.0, 0.0}};
    for (uint32_t k = 0; k < 6 && m_numSites >= 7; ++k)
    {
        const double a = (30.0 + 60.0 * k) * kDegToRad;
        sites.emplace_back(isdM * std::cos(a), isdM * std::sin(a));
    }
    for (uint32_t k = 0; k < 6 && m_numSites >= 19; ++k)
    {
        const double corner = (30.0 + 60.0 * k) * kDegToRad;
        const double edge = (60.0 + 60.0 * k) * kDegToRad;
        sites.emplace_back(2.0 * isdM * std::cos(corner), 2.0 * isdM * std::sin(corner));
        sites.emplace_back(std::sqrt(3.0) * isdM * std::cos(edge),
                           std::sqrt(3.0) * isdM * std::sin(edge));
    }

    // With 3 sectors each cell is a hexagon of circumradius ISD/3 whose vertex sits on the
    // BS, centred on the boresight; its sides face 0, 60, 120 deg. An omni cell is the
    // site's Voronoi hexagon, with sides facing the neighbours (30 + 60k deg).
    const bool sectorised = m_sectorsPerSite == 3;
    const double circumradiusM = sectorised ? isdM / 3.0 : isdM / std::sqrt(3.0);
    const double faceAngleRad = sectorised ? 0.0 : 30.0 * kDegToRad;
    // Farthest point of a cell from its BS: the opposite vertex, or a vertex of the omni hexagon.
    const double farthestM = sectorised ? 2.0 * circumradiusM : circumradiusM;
    if (!(farthestM > params.minBsUeDistance2dM))
    {
        std::ostringstream msg;
        msg << "IsdM " << isdM << " leaves no cell area beyond the minimum BS-UE distance of "
            << params.minBsUeDistance2dM << " m of " << params.name;
        throw std::invalid_argument(msg.str());
    }
    // Vertices lie at faceAngle + 30 + 60k deg: the hexagon's bounding half-widths.
    double halfXM = 0.0;
    double halfYM = 0.0;
    for (uint32_t k = 0; k < 6; ++k)
    {
        const double a = faceAngleRad + (30.0 + 60.0 * k) * kDegToRad;
        halfXM = std::max(halfXM, std::abs(circumradiusM * std::cos(a)));
        halfYM = std::max(halfYM, std::abs(circumradiusM * std::sin(a)));
    }

    for (uint32_t siteId = 0; siteId < sites.size(); ++siteId)
    {
        for (uint32_t sector = 0; sector < m_sectorsPerSite; ++sector)
        {
            CellInfo cell;
            cell.cellId = static_cast<uint32_t>(m_cells.size());
            cell.siteId = siteId;
            cell.sectorIndex = sector;
            cell.position = Vector(sites[siteId].first, sites[siteId].second, params.bsHeightM);
            cell.boresightRad = sectorised ? (30.0 + 120.0 * sector) * kDegToRad : 0.0;
            const double offsetM = sectorised ? circumradiusM : 0.0;
            m_areas.push_back({cell.position.x + offsetM * std::cos(cell.boresightRad),
                               cell.position.y + offsetM * std::sin(cell.boresightRad),
                               true,
                               circumradiusM * std::sqrt(3.0) / 2.0,
                               faceAngleRad,
                               halfXM,
                               halfYM});
            m_cells.push_back(cell);
        }
    }
}

void
CellLayout::BuildIndoor()
{
    const double spacingM = GetIsdM();
    const double bsHeightM = GetThreeGppScenarioParameters(m_scenario).bsHeightM;
    const double hallWidthM = kInhHallWidthInIsd * spacingM;
    // Each BS serves the part of the hall nearest to it: one grid column wide, and
    // from its row's hall wall to the hall's centre line.
    for (uint32_t row = 0; row < kInhRows; ++row)
    {
        for (uint32_t column = 0; column < kInhColumns; ++column)
        {
            CellInfo cell;
            cell.cellId = static_cast<uint32_t>(m_cells.size());
            cell.siteId = cell.cellId;
            cell.sectorIndex = 0;
            const double xM = (column - (kInhColumns - 1) / 2.0) * spacingM;
            const double yM = (row - (kInhRows - 1) / 2.0) * spacingM;
            cell.position = Vector(xM, yM, bsHeightM);
            cell.boresightRad = 0.0;
            const double sign = row == 0 ? -1.0 : 1.0;
            m_areas.push_back(
                {xM, sign * hallWidthM / 4.0, false, 0.0, 0.0, spacingM / 2.0, hallWidthM / 4.0});
            m_cells.push_back(cell);
        }
    }
    NS_LOG_DEBUG("hall " << kInhHallLengthInIsd * spacingM << " m x " << hallWidthM << " m");
}

bool
CellLayout::IsInside(const CellArea& area, double xM, double yM)
{
    const double dx = xM - area.centreXM;
    const double dy = yM - area.centreYM;
    if (std::abs(dx) > area.halfWidthXM || std::abs(dy) > area.halfWidthYM)
    {
        return false;
    }
    if (!area.hexagon)
    {
        return true;
    }
    // Inside a hexagon: within the apothem along each of its three side normals.
    for (uint32_t k = 0; k < 3; ++k)
    {
        const double a = area.faceAngleRad + k * 60.0 * kDegToRad;
        if (std::abs(dx * std::cos(a) + dy * std::sin(a)) > area.apothemM)
        {
            return false;
        }
    }
    return true;
}

UeDrop
CellLayout::DropUe()
{
    const double minDistanceM = GetMinBsUeDistance2dM();
    UeDrop drop;
    drop.cellId = m_uniform->GetInteger(0, static_cast<uint32_t>(m_cells.size()) - 1);
    const CellArea& area = m_areas[drop.cellId];
    const Vector& bs = m_cells[drop.cellId].position;
    // Rejection sampling over the bounding box: uniform over the cell minus the disc.
    while (true)
    {
        const double xM = area.centreXM + m_uniform->GetValue(-area.halfWidthXM, area.halfWidthXM);
        const double yM = area.centreYM + m_uniform->GetValue(-area.halfWidthYM, area.halfWidthYM);
        if (IsInside(area, xM, yM) && std::hypot(xM - bs.x, yM - bs.y) >= minDistanceM)
        {
            drop.position = Vector(xM, yM, GetUeHeightM());
            return drop;
        }
    }
}

std::vector<UeDrop>
CellLayout::DropUes(uint32_t numUes)
{
    if (numUes == 0)
    {
        throw std::invalid_argument("numUes 0: at least one UE must be dropped");
    }
    std::vector<UeDrop> drops;
    drops.reserve(numUes);
    for (uint32_t i = 0; i < numUes; ++i)
    {
        drops.push_back(DropUe());
    }
    return drops;
}

CellDeployment
CellLayout::CreateNodes(uint32_t numUes, double ueSpeedMps)
{
    if (!(ueSpeedMps >= 0.0) || !std::isfinite(ueSpeedMps))
    {
        std::ostringstream msg;
        msg << "ueSpeedMps " << ueSpeedMps << " must be a finite value >= 0 m/s";
        throw std::invalid_argument(msg.str());
    }
    const std::vector<UeDrop> drops = DropUes(numUes);

    CellDeployment deployment;
    deployment.gnbNodes.Create(static_cast<uint32_t>(m_cells.size()));
    for (const CellInfo& cell : m_cells)
    {
        Ptr<ConstantPositionMobilityModel> mobility = CreateObject<ConstantPositionMobilityModel>();
        mobility->SetPosition(cell.position);
        deployment.gnbNodes.Get(cell.cellId)->AggregateObject(mobility);
    }

    deployment.ueNodes.Create(numUes);
    for (uint32_t i = 0; i < numUes; ++i)
    {
        Ptr<MobilityModel> mobility;
        if (ueSpeedMps == 0.0)
        {
            mobility = CreateObject<ConstantPositionMobilityModel>();
        }
        else
        {
            Ptr<ConstantRandomVariable> speed = CreateObject<ConstantRandomVariable>();
            speed->SetAttribute("Constant", DoubleValue(ueSpeedMps));
            Ptr<UniformRandomVariable> heading = CreateObject<UniformRandomVariable>();
            heading->SetAttribute("Min", DoubleValue(0.0));
            heading->SetAttribute("Max", DoubleValue(2.0 * M_PI));
            mobility = CreateObject<RandomWalk2dMobilityModel>();
            mobility->SetAttribute("Bounds", RectangleValue(GetBounds()));
            mobility->SetAttribute("Mode", EnumValue(RandomWalk2dMobilityModel::MODE_DISTANCE));
            mobility->SetAttribute("Distance", DoubleValue(GetIsdM() / 2.0));
            mobility->SetAttribute("Speed", PointerValue(speed));
            mobility->SetAttribute("Direction", PointerValue(heading));
        }
        mobility->SetPosition(drops[i].position);
        deployment.ueNodes.Get(i)->AggregateObject(mobility);
        deployment.ueCellIds.push_back(drops[i].cellId);
    }
    return deployment;
}

int64_t
CellLayout::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

} // namespace ns3
