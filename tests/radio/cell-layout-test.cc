#include "radio/cell-layout.h"

#include "ns3/double.h"
#include "ns3/mobility-model.h"
#include "ns3/random-walk-2d-mobility-model.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kDeg = M_PI / 180.0;

Ptr<CellLayout>
MakeLayout(const std::string& scenario, uint32_t numSites, uint32_t sectors, double isdM = 0.0)
{
    Ptr<CellLayout> layout = CreateObject<CellLayout>();
    layout->SetAttribute("Scenario", StringValue(scenario));
    layout->SetAttribute("NumSites", UintegerValue(numSites));
    layout->SetAttribute("SectorsPerSite", UintegerValue(sectors));
    layout->SetAttribute("IsdM", DoubleValue(isdM));
    return layout;
}

double
Distance2d(const Vector& a, const Vector& b)
{
    return std::hypot(a.x - b.x, a.y - b.y);
}

/// Site positions (sector 0 of each site).
std::vector<Vector>
Sites(const CellLayout& layout)
{
    std::vector<Vector> sites;
    for (const CellInfo& cell : layout.GetCells())
    {
        if (cell.sectorIndex == 0)
        {
            sites.push_back(cell.position);
        }
    }
    return sites;
}

/// Hexagonal grids of 7 and 19 sites: counts, distances to the centre and adjacency.
class HexGridTestCase : public TestCase
{
  public:
    HexGridTestCase()
        : TestCase("7 and 19 site grids have the hexagonal distances of the ISD")
    {
    }

  private:
    void DoRun() override
    {
        struct Grid
        {
            std::string scenario;
            uint32_t numSites;
            double isdM;
            double bsHeightM;
            uint32_t adjacentPairs; // pairs of sites exactly one ISD apart
        };

        // Adjacent pairs in a hexagon of rings 0..1: 6 spokes + 6 ring edges = 12; rings
        // 0..2: 12 + 12 ring-2 edges + 18 ring-1 to ring-2 links = 42.
        for (const Grid& g : {Grid{"UMa", 7, 500.0, 25.0, 12},
                              Grid{"UMa", 19, 500.0, 25.0, 42},
                              Grid{"UMi-StreetCanyon", 19, 200.0, 10.0, 42},
                              Grid{"RMa", 7, 1732.0, 35.0, 12}})
        {
            Ptr<CellLayout> layout = MakeLayout(g.scenario, g.numSites, 3);
            NS_TEST_ASSERT_MSG_EQ(layout->GetNumSites(), g.numSites, g.scenario);
            NS_TEST_ASSERT_MSG_EQ(layout->GetCells().size(), 3 * g.numSites, g.scenario);
            NS_TEST_ASSERT_MSG_EQ_TOL(layout->GetIsdM(), g.isdM, 1e-9, "scenario ISD");
            const std::vector<Vector> sites = Sites(*layout);
            NS_TEST_ASSERT_MSG_EQ(sites.size(), g.numSites, "one sector 0 per site");

            // Distances from the centre site: 6 at ISD, then 6 at sqrt(3) ISD and 6 at 2 ISD.
            uint32_t atIsd = 0;
            uint32_t atSqrt3Isd = 0;
            uint32_t atTwoIsd = 0;
            for (const Vector& s : sites)
            {
                const double d = Distance2d(s, sites[0]) / g.isdM;
                atIsd += std::abs(d - 1.0) < 1e-9;
                atSqrt3Isd += std::abs(d - std::sqrt(3.0)) < 1e-9;
                atTwoIsd += std::abs(d - 2.0) < 1e-9;
                NS_TEST_ASSERT_MSG_EQ_TOL(s.z, g.bsHeightM, 1e-12, "BS height");
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(Distance2d(sites[0], Vector()), 0.0, 1e-9, "site 0 at 0");
            NS_TEST_ASSERT_MSG_EQ(atIsd, 6u, "ring 1");
            NS_TEST_ASSERT_MSG_EQ(atSqrt3Isd, (g.numSites == 19 ? 6u : 0u), "ring 2 edges");
            NS_TEST_ASSERT_MSG_EQ(atTwoIsd, (g.numSites == 19 ? 6u : 0u), "ring 2 corners");

            uint32_t adjacent = 0;
            for (size_t i = 0; i < sites.size(); ++i)
            {
                for (size_t j = i + 1; j < sites.size(); ++j)
                {
                    const double d = Distance2d(sites[i], sites[j]);
                    NS_TEST_ASSERT_MSG_GT(d, g.isdM * (1.0 - 1e-9), "sites overlap");
                    adjacent += std::abs(d - g.isdM) < 1e-6;
                }
            }
            NS_TEST_ASSERT_MSG_EQ(adjacent, g.adjacentPairs, "adjacent site pairs");
        }
    }
};

/// Sector boresights 30/150/270 deg, co-located sectors, omni sites and the InH grid.
class SectorAndIndoorTestCase : public TestCase
{
  public:
    SectorAndIndoorTestCase()
        : TestCase("sector boresights, omni sites and the InH 12-BS grid")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<CellLayout> sectored = MakeLayout("UMa", 7, 3);
        for (const CellInfo& cell : sectored->GetCells())
        {
            NS_TEST_ASSERT_MSG_EQ(cell.cellId, cell.siteId * 3 + cell.sectorIndex, "cell id");
            NS_TEST_ASSERT_MSG_EQ_TOL(cell.boresightRad,
                                      (30.0 + 120.0 * cell.sectorIndex) * kDeg,
                                      1e-12,
                                      "boresight");
            const CellInfo& sector0 = sectored->GetCells()[cell.siteId * 3];
            NS_TEST_ASSERT_MSG_EQ_TOL(Distance2d(cell.position, sector0.position),
                                      0.0,
                                      1e-12,
                                      "sectors co-located");
        }

        Ptr<CellLayout> omni = MakeLayout("UMi", 19, 1);
        NS_TEST_ASSERT_MSG_EQ(omni->GetCells().size(), 19u, "one cell per omni site");
        NS_TEST_ASSERT_MSG_EQ(omni->GetSectorsPerSite(), 1u, "sectors");

        // TR 38.901 Table 7.2-2: 12 BSs 20 m apart at 3 m in a 120 m x 50 m hall.
        Ptr<CellLayout> inh = MakeLayout("InH-OfficeMixed", 19, 3);
        NS_TEST_ASSERT_MSG_EQ(inh->GetCells().size(), 12u, "InH BS count");
        NS_TEST_ASSERT_MSG_EQ(inh->GetSectorsPerSite(), 1u, "InH sectors");
        uint32_t onGrid = 0;
        for (const CellInfo& cell : inh->GetCells())
        {
            const double column = (cell.position.x + 50.0) / 20.0;
            const bool onColumn = std::abs(column - std::round(column)) < 1e-9 &&
                                  std::round(column) >= 0 && std::round(column) <= 5;
            onGrid += onColumn && std::abs(std::abs(cell.position.y) - 10.0) < 1e-9;
            NS_TEST_ASSERT_MSG_EQ_TOL(cell.position.z, 3.0, 1e-12, "InH BS height");
        }
        NS_TEST_ASSERT_MSG_EQ(onGrid, 12u, "BSs at x = -50..50 step 20, y = +-10");
        const Rectangle hall = inh->GetBounds();
        NS_TEST_ASSERT_MSG_EQ_TOL(hall.xMax - hall.xMin, 120.0, 1e-9, "hall length");
        NS_TEST_ASSERT_MSG_EQ_TOL(hall.yMax - hall.yMin, 50.0, 1e-9, "hall width");
    }
};

/**
 * The six vectors from a cell's centre to its neighbours' centres: a point lies in the
 * (hexagonal) cell iff it is no farther from the centre than from any neighbour centre.
 */
std::vector<Vector>
NeighbourOffsets(double spacingM, double firstAngleRad)
{
    std::vector<Vector> offsets;
    for (int k = 0; k < 6; ++k)
    {
        const double a = firstAngleRad + k * 60.0 * kDeg;
        offsets.emplace_back(spacingM * std::cos(a), spacingM * std::sin(a), 0.0);
    }
    return offsets;
}

/**
 * 1000 drops lie in their cell's area, beyond the minimum distance, at the UE height,
 * and spread evenly over the cells (chi-square test).
 */
class UeDropTestCase : public TestCase
{
  public:
    UeDropTestCase(std::string scenario, uint32_t numSites, uint32_t sectors)
        : TestCase("1000 UE drops in " + scenario + " " + std::to_string(numSites) + " sites " +
                   std::to_string(sectors) + " sectors lie in their cells"),
          m_scenario(scenario),
          m_numSites(numSites),
          m_sectors(sectors)
    {
    }

  private:
    void DoRun() override
    {
        Ptr<CellLayout> layout = MakeLayout(m_scenario, m_numSites, m_sectors);
        layout->AssignStreams(3);
        const ThreeGppScenarioParameters& params =
            GetThreeGppScenarioParameters(ParseThreeGppScenario(m_scenario));
        const double isdM = layout->GetIsdM();
        const bool indoor = IsIndoor(layout->GetScenario());
        const auto& cells = layout->GetCells();

        // Cell centres and neighbour offsets. Sectorised: hexagons of circumradius
        // ISD/3 centred ISD/3 along the boresight, neighbours sqrt(3) ISD/3 apart at
        // 0, 60, ... deg. Omni: the site hexagon, neighbours one ISD apart at 30, 90, ... deg.
        const std::vector<Vector> offsets = m_sectors == 3
                                                ? NeighbourOffsets(isdM / std::sqrt(3.0), 0.0)
                                                : NeighbourOffsets(isdM, 30.0 * kDeg);
        // InH: each BS's quarter-width strip of the hall, centred 12.5 m off the axis.
        auto centreOf = [&](const CellInfo& cell) {
            if (indoor)
            {
                return Vector(cell.position.x, cell.position.y > 0 ? 12.5 : -12.5, 0.0);
            }
            const double r = m_sectors == 3 ? isdM / 3.0 : 0.0;
            return Vector(cell.position.x + r * std::cos(cell.boresightRad),
                          cell.position.y + r * std::sin(cell.boresightRad),
                          0.0);
        };
        // E|p - centre|^2 of a uniform point: (5/12) R^2 for a regular hexagon of
        // circumradius R; (a^2 + b^2) / 12 for an a x b rectangle (InH: 20 m x 25 m).
        const double circumradiusM = m_sectors == 3 ? isdM / 3.0 : isdM / std::sqrt(3.0);
        const double expectedSecondMomentM2 = indoor ? (20.0 * 20.0 + 25.0 * 25.0) / 12.0
                                                     : 5.0 / 12.0 * circumradiusM * circumradiusM;

        const uint32_t numDrops = 1000;
        std::vector<uint32_t> counts(cells.size(), 0);
        uint32_t outside = 0;
        double sumD2 = 0.0;
        double sumD4 = 0.0;
        for (const UeDrop& drop : layout->DropUes(numDrops))
        {
            NS_TEST_ASSERT_MSG_LT(drop.cellId, cells.size(), "cell id");
            ++counts[drop.cellId];
            const CellInfo& cell = cells[drop.cellId];
            NS_TEST_ASSERT_MSG_EQ_TOL(drop.position.z, params.ueHeightM, 1e-12, "UE height");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(Distance2d(drop.position, cell.position),
                                        params.minBsUeDistance2dM,
                                        "minimum BS-UE distance");
            const Vector c = centreOf(cell);
            const Vector rel(drop.position.x - c.x, drop.position.y - c.y, 0.0);
            const double d2 = rel.x * rel.x + rel.y * rel.y;
            sumD2 += d2;
            sumD4 += d2 * d2;
            bool inside = true;
            if (indoor)
            {
                // In the 120 m x 50 m hall, nearest to its own BS.
                inside = std::abs(drop.position.x) <= 60.0 && std::abs(drop.position.y) <= 25.0;
                for (const CellInfo& other : cells)
                {
                    inside = inside && Distance2d(drop.position, cell.position) <=
                                           Distance2d(drop.position, other.position) + 1e-9;
                }
            }
            else
            {
                for (const Vector& w : offsets)
                {
                    const double toNeighbour =
                        (rel.x - w.x) * (rel.x - w.x) + (rel.y - w.y) * (rel.y - w.y);
                    inside = inside && d2 <= toNeighbour + 1e-6;
                }
            }
            outside += !inside;
        }
        NS_TEST_ASSERT_MSG_EQ(outside, 0u, "drops outside their cell");

        // Spread inside the cell: the sample second moment within 4.5 standard errors, plus
        // 2% for the minimum-distance hole (at most 1.8% of a UMa sector's area).
        const double meanD2 = sumD2 / numDrops;
        const double standardError =
            std::sqrt((sumD4 / numDrops - meanD2 * meanD2) / (numDrops - 1.0));
        NS_TEST_ASSERT_MSG_EQ_TOL(meanD2,
                                  expectedSecondMomentM2,
                                  4.5 * standardError + 0.02 * expectedSecondMomentM2,
                                  "mean squared distance to the cell centre");

        // Equal-area cells: counts are multinomial with equal probabilities. Pearson's
        // statistic against the chi-square quantile at p = 0.001 with cells - 1 degrees of
        // freedom (Wilson-Hilferty approximation, within 0.5% for 11 and more).
        const double expected = double(numDrops) / cells.size();
        double chi2 = 0.0;
        for (uint32_t n : counts)
        {
            chi2 += (n - expected) * (n - expected) / expected;
        }
        const double dof = cells.size() - 1.0;
        const double z999 = 3.0902; // standard normal quantile at 0.999
        const double critical =
            dof * std::pow(1.0 - 2.0 / (9.0 * dof) + z999 * std::sqrt(2.0 / (9.0 * dof)), 3);
        NS_TEST_ASSERT_MSG_LT(chi2, critical, "cells not chosen uniformly");
    }

    std::string m_scenario;
    uint32_t m_numSites;
    uint32_t m_sectors;
};

/// Same stream, same drop; another RngRun, another drop.
class DropReproducibilityTestCase : public TestCase
{
  public:
    DropReproducibilityTestCase()
        : TestCase("same stream gives the same drop and another run a different one")
    {
    }

  private:
    void DoRun() override
    {
        auto drop = [](uint64_t run) {
            const uint64_t savedRun = RngSeedManager::GetRun();
            RngSeedManager::SetRun(run);
            Ptr<CellLayout> layout = MakeLayout("UMa", 19, 3);
            layout->AssignStreams(42);
            RngSeedManager::SetRun(savedRun);
            return layout->DropUes(20);
        };
        const std::vector<UeDrop> a = drop(1);
        const std::vector<UeDrop> b = drop(1);
        const std::vector<UeDrop> c = drop(2);
        uint32_t same = 0;
        uint32_t differentRun = 0;
        for (size_t i = 0; i < a.size(); ++i)
        {
            same += a[i].cellId == b[i].cellId && a[i].position.x == b[i].position.x &&
                    a[i].position.y == b[i].position.y;
            differentRun += Distance2d(a[i].position, c[i].position) > 1e-6;
        }
        NS_TEST_ASSERT_MSG_EQ(same, 20u, "same seed, run and stream reproduce the drop");
        NS_TEST_ASSERT_MSG_EQ(differentRun, 20u, "another run moves every UE");
    }
};

/// Nodes: one gNB per cell at its position; static or walking UEs.
class CreateNodesTestCase : public TestCase
{
  public:
    CreateNodesTestCase()
        : TestCase("CreateNodes places gNBs and static or moving UEs")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<CellLayout> layout = MakeLayout("UMi-StreetCanyon", 7, 3);
        layout->AssignStreams(5);
        const CellDeployment still = layout->CreateNodes(4, 0.0);
        NS_TEST_ASSERT_MSG_EQ(still.gnbNodes.GetN(), 21u, "one gNB node per cell");
        NS_TEST_ASSERT_MSG_EQ(still.ueNodes.GetN(), 4u, "UE nodes");
        NS_TEST_ASSERT_MSG_EQ(still.ueCellIds.size(), 4u, "UE cells");
        for (const CellInfo& cell : layout->GetCells())
        {
            const Vector p =
                still.gnbNodes.Get(cell.cellId)->GetObject<MobilityModel>()->GetPosition();
            NS_TEST_ASSERT_MSG_EQ_TOL(CalculateDistance(p, cell.position),
                                      0.0,
                                      1e-9,
                                      "gNB position");
        }

        const double speedMps = 3.0;
        const CellDeployment moving = layout->CreateNodes(4, speedMps);
        std::vector<Vector> start;
        for (uint32_t i = 0; i < moving.ueNodes.GetN(); ++i)
        {
            Ptr<MobilityModel> m = moving.ueNodes.Get(i)->GetObject<MobilityModel>();
            NS_TEST_ASSERT_MSG_EQ(m->GetInstanceTypeId(),
                                  RandomWalk2dMobilityModel::GetTypeId(),
                                  "walking UEs");
            start.push_back(m->GetPosition());
        }
        const double durationS = 10.0;
        Simulator::Stop(Seconds(durationS));
        Simulator::Run();
        const Rectangle bounds = layout->GetBounds();
        for (uint32_t i = 0; i < moving.ueNodes.GetN(); ++i)
        {
            Ptr<MobilityModel> m = moving.ueNodes.Get(i)->GetObject<MobilityModel>();
            const Vector p = m->GetPosition();
            NS_TEST_ASSERT_MSG_EQ_TOL(m->GetVelocity().GetLength(), speedMps, 1e-9, "speed");
            NS_TEST_ASSERT_MSG_EQ_TOL(p.z, start[i].z, 1e-12, "height kept");
            NS_TEST_ASSERT_MSG_GT(Distance2d(p, start[i]), 0.0, "UE moved");
            NS_TEST_ASSERT_MSG_LT_OR_EQ(Distance2d(p, start[i]),
                                        speedMps * durationS + 1e-6,
                                        "no faster than the speed");
            NS_TEST_ASSERT_MSG_EQ(bounds.IsInside(p), true, "inside the layout bounds");
        }
        for (uint32_t i = 0; i < still.ueNodes.GetN(); ++i)
        {
            Ptr<MobilityModel> m = still.ueNodes.Get(i)->GetObject<MobilityModel>();
            NS_TEST_ASSERT_MSG_EQ_TOL(m->GetVelocity().GetLength(), 0.0, 1e-12, "static UE");
        }
        Simulator::Destroy();
    }
};

bool
ThrowsNaming(const std::function<void()>& f, const std::string& fragment)
{
    try
    {
        f();
    }
    catch (const std::invalid_argument& e)
    {
        return std::string(e.what()).find(fragment) != std::string::npos;
    }
    return false;
}

class InvalidInputTestCase : public TestCase
{
  public:
    InvalidInputTestCase()
        : TestCase("invalid layout input is rejected naming the argument")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<CellLayout> layout = MakeLayout("UMa", 7, 3);
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([&] { layout->SetAttribute("IsdM", DoubleValue(-10.0)); }, "IsdM -10"),
            true,
            "negative ISD");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([&] { layout->SetAttribute("NumSites", UintegerValue(5)); }, "NumSites 5"),
            true,
            "5 sites");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([&] { layout->SetAttribute("SectorsPerSite", UintegerValue(2)); },
                         "SectorsPerSite 2"),
            true,
            "2 sectors");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([&] { layout->SetAttribute("Scenario", StringValue("Moon")); }, "Moon"),
            true,
            "unknown scenario");
        // 3 UMa sectors of circumradius 50/3 m cannot hold a UE 35 m from the BS.
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([&] { layout->SetAttribute("IsdM", DoubleValue(50.0)); }, "IsdM 50"),
            true,
            "ISD below the minimum distance");
        NS_TEST_ASSERT_MSG_EQ_TOL(layout->GetIsdM(), 500.0, 1e-9, "failed set leaves ISD as is");
        NS_TEST_ASSERT_MSG_EQ(layout->GetCells().size(), 21u, "failed set leaves cells as is");
        NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { layout->DropUes(0); }, "numUes"),
                              true,
                              "zero UEs");
        NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { layout->CreateNodes(0, 0.0); }, "numUes"),
                              true,
                              "zero UEs for nodes");
        NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { layout->CreateNodes(3, -1.0); }, "ueSpeedMps"),
                              true,
                              "negative speed");
        Simulator::Destroy();
    }
};

class CellLayoutTestSuite : public TestSuite
{
  public:
    CellLayoutTestSuite()
        : TestSuite("radio-cell-layout", TestSuite::UNIT)
    {
        AddTestCase(new HexGridTestCase, TestCase::QUICK);
        AddTestCase(new SectorAndIndoorTestCase, TestCase::QUICK);
        AddTestCase(new UeDropTestCase("UMa", 7, 3), TestCase::QUICK);
        AddTestCase(new UeDropTestCase("UMi-StreetCanyon", 19, 3), TestCase::QUICK);
        AddTestCase(new UeDropTestCase("RMa", 19, 1), TestCase::QUICK);
        AddTestCase(new UeDropTestCase("InH-OfficeOpen", 1, 1), TestCase::QUICK);
        AddTestCase(new DropReproducibilityTestCase, TestCase::QUICK);
        AddTestCase(new CreateNodesTestCase, TestCase::QUICK);
        AddTestCase(new InvalidInputTestCase, TestCase::QUICK);
    }
};

CellLayoutTestSuite g_cellLayoutTestSuite;

} // namespace
