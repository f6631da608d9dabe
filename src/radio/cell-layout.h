#ifndef EDGE_LAM_CELL_LAYOUT_H
#define EDGE_LAM_CELL_LAYOUT_H

#include "radio/three-gpp-scenario.h"

#include "ns3/node-container.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rectangle.h"
#include "ns3/vector.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * One cell (sector) of a layout.
 */
struct CellInfo
{
    /// Index in CellLayout::GetCells(): siteId * sectorsPerSite + sectorIndex.
    uint32_t cellId{0};
    uint32_t siteId{0};
    uint32_t sectorIndex{0};
    /// BS antenna position in m; z is the scenario's BS height.
    Vector position;
    /// Sector boresight azimuth in rad, counter-clockwise from +x (the convention of
    /// ns-3 antenna orientations); 0 for unsectorised (omni) cells.
    double boresightRad{0.0};
};

/**
 * \ingroup radio
 * Where one UE was dropped and the cell whose area contains it.
 */
struct UeDrop
{
    /// m; z is the scenario's UE height.
    Vector position;
    uint32_t cellId{0};
};

/**
 * \ingroup radio
 * Nodes with mobility for a layout (see CellLayout::CreateNodes).
 */
struct CellDeployment
{
    /// One node per cell, gnbNodes.Get(cellId); sectors of a site are co-located nodes.
    NodeContainer gnbNodes;
    NodeContainer ueNodes;
    /// Cell whose area each UE was dropped in (geometric, not strongest-signal, association).
    std::vector<uint32_t> ueCellIds;
};

/**
 * \ingroup radio
 * The gNB sites of a TR 38.901 sec. 7.2 deployment and uniform UE drops over their cells.
 *
 * Macro scenarios (UMa, UMi-StreetCanyon, RMa): 1, 7 or 19 sites (hexagon rings 0..2)
 * at the inter-site distance ISD, site 0 at the origin, ring-1 neighbours at azimuths
 * 30 + 60k deg. With 3 sectors per site the boresights are 30, 150 and 270 deg and each
 * cell is a hexagon of circumradius ISD/3 with the BS at one vertex and the boresight
 * through its centre (the 3GPP 57-cell pattern for 19 sites); with 1 sector the cell is
 * the site's own hexagon (apothem ISD/2).
 *
 * Indoor (InH-OfficeMixed, InH-OfficeOpen): 12 ceiling BSs on a 6 x 2 grid with spacing
 * ISD (20 m) centred in a 6 ISD x 2.5 ISD hall (120 m x 50 m), one cell per BS, whose
 * area is its 20 m x 25 m share of the hall; NumSites and SectorsPerSite do not apply.
 *
 * A UE drop picks a cell uniformly (all cells have equal area, so this is uniform over
 * the layout), then a point uniformly inside it, redrawing points closer than the
 * scenario's minimum 2D distance to the cell's BS. No wrap-around, no indoor UEs.
 */
class CellLayout : public Object
{
  public:
    static TypeId GetTypeId();
    CellLayout();

    ThreeGppScenario GetScenario() const;
    /// The ISD in use (the IsdM attribute, or the scenario's when it is 0), m.
    double GetIsdM() const;
    /// Sites in use (12 BSs for InH).
    uint32_t GetNumSites() const;
    /// Sectors per site in use (always 1 for InH).
    uint32_t GetSectorsPerSite() const;
    const std::vector<CellInfo>& GetCells() const;
    double GetUeHeightM() const;
    double GetMinBsUeDistance2dM() const;
    /// Axis-aligned rectangle containing every cell area (the walk area of moving UEs).
    Rectangle GetBounds() const;

    /// Drops one UE (see the class description).
    UeDrop DropUe();

    /**
     * Drops UEs independently.
     * \throws std::invalid_argument if numUes is 0
     */
    std::vector<UeDrop> DropUes(uint32_t numUes);

    /**
     * Creates one gNB node per cell (ns3::ConstantPositionMobilityModel at the cell's
     * position) and numUes UE nodes at DropUes(numUes).
     *
     * ueSpeedMps 0: UEs stay put (ConstantPositionMobilityModel). ueSpeedMps > 0:
     * ns3::RandomWalk2dMobilityModel at that constant speed, a uniformly random heading
     * redrawn after every ISD/2 travelled, reflected at GetBounds(); so UEs stay near the
     * layout, but they may cross into other cells, pass closer to a BS than the minimum
     * distance, and reach the corners of the bounding rectangle outside every cell. Their
     * random variables take automatic streams; fix them with
     * MobilityHelper::AssignStreams(deployment.ueNodes, stream).
     * \throws std::invalid_argument if numUes is 0 or ueSpeedMps is negative or not finite
     */
    CellDeployment CreateNodes(uint32_t numUes, double ueSpeedMps);

    /**
     * Fixes the random stream of the UE drops.
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    /// The area of a cell: a hexagon or (InH) an axis-aligned rectangle.
    struct CellArea
    {
        double centreXM;
        double centreYM;
        bool hexagon;
        double apothemM;     ///< hexagon: centre-to-side distance
        double faceAngleRad; ///< hexagon: azimuth of one side normal
        double halfWidthXM;  ///< bounding half-width along x (rectangle: its half-width)
        double halfWidthYM;  ///< bounding half-width along y
    };

    void SetScenarioName(const std::string& name);
    std::string GetScenarioName() const;
    void SetNumSites(uint32_t numSites);
    uint32_t GetConfiguredNumSites() const;
    void SetSectorsPerSite(uint32_t sectorsPerSite);
    uint32_t GetConfiguredSectorsPerSite() const;
    void SetIsdAttribute(double isdM);
    double GetIsdAttribute() const;

    /// Recomputes cells and areas from the attributes.
    void Rebuild();
    /// Rebuild(); if the new configuration is invalid, undoes it with revert and rethrows.
    void RebuildOrRevert(const std::function<void()>& revert);
    void BuildMacro();
    void BuildIndoor();
    static bool IsInside(const CellArea& area, double xM, double yM);

    ThreeGppScenario m_scenario;
    uint32_t m_numSites;
    uint32_t m_sectorsPerSite;
    double m_isdAttributeM; ///< 0 selects the scenario's ISD
    std::vector<CellInfo> m_cells;
    std::vector<CellArea> m_areas; ///< index = cell id
    Ptr<UniformRandomVariable> m_uniform;
};

} // namespace ns3

#endif // EDGE_LAM_CELL_LAYOUT_H
