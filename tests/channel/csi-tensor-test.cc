#include "channel/csi-tensor.h"

#include "ns3/test.h"

using namespace ns3;

namespace
{

/// The Eigen view and the element accessor address the same row-major memory.
class CsiTensorLayoutTestCase : public TestCase
{
  public:
    CsiTensorLayoutTestCase()
        : TestCase("CSI tensor: row-major layout, t slowest, Eigen view on the same memory")
    {
    }

  private:
    void DoRun() override
    {
        CsiTensor csi(2, 3, 4, 5);
        for (std::size_t i = 0; i < csi.GetSize(); ++i)
        {
            csi.GetData()[i] = CsiTensor::Value(i, -float(i));
        }
        // Element (t, k, r, s) sits at ((t * 3 + k) * 4 + r) * 5 + s.
        NS_TEST_ASSERT_MSG_EQ(csi(1, 2, 3, 4).real(), 119.0f, "last element");
        NS_TEST_ASSERT_MSG_EQ(csi(1, 0, 0, 0).real(), 60.0f, "t is the slowest index");
        NS_TEST_ASSERT_MSG_EQ(csi(0, 0, 0, 1).real(), 1.0f, "s is the fastest index");
        auto view = csi.AsEigen();
        NS_TEST_ASSERT_MSG_EQ(view.dimension(0) * view.dimension(3), 10, "dimensions");
        for (std::size_t t = 0; t < 2; ++t)
        {
            for (std::size_t k = 0; k < 3; ++k)
            {
                for (std::size_t r = 0; r < 4; ++r)
                {
                    for (std::size_t s = 0; s < 5; ++s)
                    {
                        NS_TEST_ASSERT_MSG_EQ((view(t, k, r, s) == csi(t, k, r, s)),
                                              true,
                                              "element " << t << k << r << s);
                    }
                }
            }
        }
        view(0, 1, 2, 3) = CsiTensor::Value(7, 7);
        NS_TEST_ASSERT_MSG_EQ((csi(0, 1, 2, 3) == CsiTensor::Value(7, 7)), true, "no copy");
    }
};

class CsiTensorTestSuite : public TestSuite
{
  public:
    CsiTensorTestSuite()
        : TestSuite("channel-csi-tensor", TestSuite::UNIT)
    {
        AddTestCase(new CsiTensorLayoutTestCase, TestCase::QUICK);
    }
};

CsiTensorTestSuite g_csiTensorTestSuite;

} // namespace
