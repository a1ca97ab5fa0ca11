// The FP16 comparison arithmetic (estimates from the model's shape).
#include <QtTest>

#include "energy_estimate.h"

using namespace tern::estimate;

class TestEnergy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ratios() {
        ModelShape s;
        s.parameters = 2'000'000'000;
        s.weight_bytes = 500'000'000;  // 2 bits per weight
        s.kv_bytes_per_token = 0;
        const Comparison c = compare_with_fp16(s, 0);
        QCOMPARE(c.fp16_weight_bytes, uint64_t(4'000'000'000));
        QCOMPARE(c.memory_ratio, 8.0);
        QVERIFY(qFuzzyCompare(c.ternary_pj_per_token, 2e9 * 0.007));
        QVERIFY(qFuzzyCompare(c.fp16_pj_per_token, 2e9 * 0.5));
        QVERIFY(qFuzzyCompare(c.energy_ratio, 0.5 / 0.007));
        QCOMPARE(c.bandwidth_ratio, 8.0);
    }
    void kvCacheNarrowsTheBandwidthGap() {
        ModelShape s{1000, 250, 100};
        const Comparison c = compare_with_fp16(s, 10);  // 1000 KV bytes on both sides
        QVERIFY(qFuzzyCompare(c.bandwidth_ratio, 3000.0 / 1250.0));
    }
    void emptyModelGivesZeros() {
        const Comparison c = compare_with_fp16({}, 0);
        QCOMPARE(c.energy_ratio, 0.0);
        QCOMPARE(c.memory_ratio, 0.0);
        QCOMPARE(joules(1e12, 2), 2.0);
    }
};

QTEST_GUILESS_MAIN(TestEnergy)
#include "tst_energy.moc"
