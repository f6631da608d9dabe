#include "radio-helper.h"

#include "radio/flow-radio-network.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/isotropic-antenna-model.h"
#include "ns3/mobility-helper.h"
#include "ns3/pointer.h"
#include "ns3/three-gpp-antenna-model.h"
#include "ns3/three-gpp-channel-model.h"
#include "ns3/uinteger.h"
#include "ns3/uniform-planar-array.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

RadioHelper::RadioHelper()
    : m_centreFrequencyHz(3.5e9),
      m_grid(OfdmaGrid(1, 20e6)),
      m_losMode(LosMode::Probabilistic),
      m_shadowing(true)
{
    m_layoutFactory.SetTypeId(CellLayout::GetTypeId());
    m_channelFactory.SetTypeId(RadioChannel::GetTypeId());
    m_linkAdaptationFactory.SetTypeId(LinkAdaptation::GetTypeId());
    m_networkFactory.SetTypeId(RadioNetwork::GetTypeId());
    m_backhaulFactory.SetTypeId(BackhaulNetwork::GetTypeId());
    m_gnbArrayFactory.SetTypeId(UniformPlanarArray::GetTypeId());
    m_gnbArrayFactory.Set("NumRows", UintegerValue(4));
    m_gnbArrayFactory.Set("NumColumns", UintegerValue(8));
    m_gnbArrayFactory.Set("AntennaElement",
                          PointerValue(CreateObject<ThreeGppAntennaModel>())); // TR 38.901 7.3
    m_ueArrayFactory.SetTypeId(UniformPlanarArray::GetTypeId());
    m_ueArrayFactory.Set("NumRows", UintegerValue(1));
    m_ueArrayFactory.Set("NumColumns", UintegerValue(1));
    m_ueArrayFactory.Set("AntennaElement", PointerValue(CreateObject<IsotropicAntennaModel>()));
}

void
RadioHelper::SetCarrier(double centreFrequencyHz, double bandwidthHz, uint8_t numerology)
{
    if (!(centreFrequencyHz > 0))
    {
        throw std::invalid_argument("carrier frequency " + std::to_string(centreFrequencyHz) +
                                    " Hz must be positive");
    }
    m_grid = OfdmaGrid(numerology, bandwidthHz);
    m_centreFrequencyHz = centreFrequencyHz;
}

void
RadioHelper::SetPropagation(LosMode losMode, bool shadowing)
{
    m_losMode = losMode;
    m_shadowing = shadowing;
}

void
RadioHelper::SetLayoutAttribute(const std::string& name, const AttributeValue& value)
{
    m_layoutFactory.Set(name, value);
}

void
RadioHelper::SetChannelAttribute(const std::string& name, const AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

void
RadioHelper::SetLinkAdaptationAttribute(const std::string& name, const AttributeValue& value)
{
    m_linkAdaptationFactory.Set(name, value);
}

void
RadioHelper::SetEngine(const std::string& engine, uint32_t flowStepSlots)
{
    if (engine == "slot")
    {
        if (flowStepSlots != 0)
        {
            throw std::invalid_argument("a flow step of " + std::to_string(flowStepSlots) +
                                        " slots needs the flow engine");
        }
        m_networkFactory.SetTypeId(RadioNetwork::GetTypeId());
    }
    else if (engine == "flow")
    {
        m_networkFactory.SetTypeId(FlowRadioNetwork::GetTypeId());
    }
    else
    {
        throw std::invalid_argument("unknown radio engine '" + engine + "' (slot or flow)");
    }
    m_flowStepSlots = flowStepSlots;
}

void
RadioHelper::SetNetworkAttribute(const std::string& name, const AttributeValue& value)
{
    m_networkFactory.Set(name, value);
}

void
RadioHelper::SetBackhaulAttribute(const std::string& name, const AttributeValue& value)
{
    m_backhaulFactory.Set(name, value);
}

void
RadioHelper::SetGnbArrayAttribute(const std::string& name, const AttributeValue& value)
{
    m_gnbArrayFactory.Set(name, value);
}

void
RadioHelper::SetUeArrayAttribute(const std::string& name, const AttributeValue& value)
{
    m_ueArrayFactory.Set(name, value);
}

const OfdmaGrid&
RadioHelper::GetGrid() const
{
    return *m_grid;
}

double
RadioHelper::GetCentreFrequencyHz() const
{
    return m_centreFrequencyHz;
}

RadioDeployment
RadioHelper::Install(uint32_t numUes, double ueSpeedMps, int64_t stream)
{
    RadioDeployment d;
    d.layout = m_layoutFactory.Create<CellLayout>();
    const ThreeGppScenario scenario = d.layout->GetScenario();
    CheckThreeGppFrequency(scenario, m_centreFrequencyHz);
    stream += d.layout->AssignStreams(stream);
    CellDeployment nodes = d.layout->CreateNodes(numUes, ueSpeedMps);
    MobilityHelper mobility;
    stream += mobility.AssignStreams(nodes.ueNodes, stream);
    d.gnbNodes = nodes.gnbNodes;
    d.ueNodes = nodes.ueNodes;

    Ptr<ThreeGppPropagationLossModel> pathloss =
        CreatePropagationLossModel(scenario, m_centreFrequencyHz, m_shadowing, m_losMode);
    d.channel = m_channelFactory.Create<RadioChannel>();
    BooleanValue fastFading;
    BooleanValue interferenceFading;
    d.channel->GetAttribute("FastFading", fastFading);
    d.channel->GetAttribute("InterferenceFading", interferenceFading);
    Ptr<ThreeGppChannelModel> fading;
    if (fastFading.Get() || interferenceFading.Get())
    {
        fading =
            CreateChannelModel(scenario, m_centreFrequencyHz, pathloss->GetChannelConditionModel());
    }
    // Streams are fixed before the first draw (cell association in RadioNetwork::Setup).
    stream += pathloss->AssignStreams(stream);
    stream += pathloss->GetChannelConditionModel()->AssignStreams(stream);
    if (fading)
    {
        stream += fading->AssignStreams(stream);
    }
    d.channel->Setup(pathloss, fading, *m_grid, m_centreFrequencyHz);

    const auto& cells = d.layout->GetCells();
    for (uint32_t cell = 0; cell < cells.size(); ++cell)
    {
        auto array = m_gnbArrayFactory.Create<UniformPlanarArray>();
        // UniformPlanarArray takes bearings in [-pi, pi].
        double bearingRad = std::remainder(cells[cell].boresightRad, 2 * M_PI);
        array->SetAttribute("BearingAngle", DoubleValue(bearingRad));
        d.channel->AddCell(d.gnbNodes.Get(cell), array);
    }
    for (uint32_t ue = 0; ue < numUes; ++ue)
    {
        d.channel->AddUe(d.ueNodes.Get(ue), m_ueArrayFactory.Create<UniformPlanarArray>());
    }

    d.linkAdaptation = m_linkAdaptationFactory.Create<LinkAdaptation>();
    // StepSlots on a copy, so that a later SetEngine("slot") leaves no flow attribute behind;
    // 0 keeps the attribute's value (e.g. --ns3::FlowRadioNetwork::StepSlots).
    ObjectFactory networkFactory = m_networkFactory;
    if (networkFactory.GetTypeId() == FlowRadioNetwork::GetTypeId() && m_flowStepSlots != 0)
    {
        networkFactory.Set("StepSlots", UintegerValue(m_flowStepSlots));
    }
    d.network = networkFactory.Create<RadioNetwork>();
    d.network->AssignStreams(stream);
    d.network->Setup(*m_grid, d.channel, d.linkAdaptation);
    d.backhaul = m_backhaulFactory.Create<BackhaulNetwork>();
    d.transfers = CreateObject<TransferService>();
    std::vector<Ptr<Node>> gnbs(d.gnbNodes.Begin(), d.gnbNodes.End());
    std::vector<Ptr<Node>> ues(d.ueNodes.Begin(), d.ueNodes.End());
    d.transfers->Setup(d.network, d.backhaul, gnbs, ues);
    return d;
}

} // namespace ns3
