package io.chatkpi.jobs.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StringPoolTest {

    @Test
    void equalValuesGiveTheFirstInstance() {
        StringPool pool = new StringPool();
        String first = new String("queue-7");
        String second = new String("queue-7");
        assertThat(second).isNotSameAs(first);

        assertThat(pool.canonical(first)).isSameAs(first);
        assertThat(pool.canonical(second)).isSameAs(first);
        assertThat(pool.canonical("queue-8")).isEqualTo("queue-8");
        assertThat(pool.canonical(null)).isNull();
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void startsOverPastItsBoundSoThatEverNewValuesCannotGrowIt() {
        StringPool pool = new StringPool(3);
        for (int i = 0; i < 100; i++) {
            String value = "rep-" + i;
            assertThat(pool.canonical(value)).isSameAs(value);
            assertThat(pool.size()).isBetween(1, 3);
        }
        // after starting over, a value is pooled again and equal values share it
        String again = new String("rep-0");
        assertThat(pool.canonical(again)).isSameAs(again);
        assertThat(pool.canonical(new String("rep-0"))).isSameAs(again);
    }

    @Test
    void aBoundBelowOneIsRejected() {
        assertThatThrownBy(() -> new StringPool(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
