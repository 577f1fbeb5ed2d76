package dev.xpfleet.common.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void repositoriesAreOwnerSlashNameWithoutAWayOut() {
        assertThat(Names.isRepository("octo/calc.js")).isTrue();
        assertThat(Names.isRepository("octo/../etc")).isFalse();
        assertThat(Names.isRepository("octo/.."))
                .as("a name of dots only would leave the owner's directory")
                .isFalse();
        assertThat(Names.isRepository("octo")).isFalse();
        assertThat(Names.isRepository("octo/calc/extra")).isFalse();
        assertThat(Names.isRepository(null)).isFalse();
        assertThat(Names.isRepository("o/" + "x".repeat(101))).isFalse();
    }

    @Test
    void commitsAreHexIdsOrHead() {
        assertThat(Names.isCommit("abc1234")).isTrue();
        assertThat(Names.isCommit("HEAD")).isTrue();
        assertThat(Names.isCommit("main")).isFalse();
        assertThat(Names.isCommit("abc12")).isFalse();
        assertThat(Names.isCommit("--upload-pack=x")).isFalse();
        assertThat(Names.isCommit(null)).isFalse();
    }
}
