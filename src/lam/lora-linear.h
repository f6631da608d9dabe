#ifndef EDGE_LAM_LORA_LINEAR_H
#define EDGE_LAM_LORA_LINEAR_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include <cstdint>

namespace ns3
{

/**
 * \ingroup lam
 * \brief A Linear layer y = x W^T + b that can carry a LoRA adapter
 * (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", 2021):
 *
 *   y = x W^T + b + (alpha / r) (x A^T) B^T,   A: (r, in), B: (out, r).
 *
 * Parameters are named "weight", "bias" (as torch::nn::Linear and nanoGPT, so
 * checkpoints map one to one) and, once EnableLora() was called, "lora_a" and
 * "lora_b". EnableLora() freezes W and b, initialises A like a Linear layer
 * (Kaiming-uniform, bound 1/sqrt(in)) and B = 0, so the adapted layer starts out
 * computing exactly the base layer.
 */
class LoraLinearImpl : public torch::nn::Module
{
  public:
    /**
     * \param inFeatures input width, > 0
     * \param outFeatures output width, > 0
     * \param hasBias whether b exists
     * \param initStd standard deviation of the N(0, initStd^2) initial W (b starts at 0)
     */
    LoraLinearImpl(int64_t inFeatures, int64_t outFeatures, bool hasBias, double initStd);

    /**
     * Adds a trainable adapter and freezes W and b.
     * \param rank r > 0
     * \param alpha LoRA alpha > 0; the adapter output is scaled by alpha / r
     * \throws std::invalid_argument on a non-positive rank or alpha, or if an
     *         adapter already exists
     */
    void EnableLora(int64_t rank, double alpha);

    /// Switches the adapter path on or off (off: the base layer alone); no-op without adapter.
    void SetLoraActive(bool active);

    bool HasLora() const;
    bool IsLoraActive() const;
    int64_t GetRank() const;   ///< 0 without adapter
    double GetScaling() const; ///< alpha / r; 0 without adapter
    int64_t GetInFeatures() const;
    int64_t GetOutFeatures() const;

    /// x (..., in) -> (..., out)
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight; ///< W (out, in)
    torch::Tensor bias;   ///< b (out); undefined without bias
    torch::Tensor loraA;  ///< A (r, in); undefined without adapter
    torch::Tensor loraB;  ///< B (out, r); undefined without adapter

  private:
    double m_scaling{0.0};
    bool loraActive{false};
};

TORCH_MODULE(LoraLinear);

} // namespace ns3

#endif // EDGE_LAM_LORA_LINEAR_H
