package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureLinesTest {

    @Test
    void mavensOwnErrorsAreNamedNotTheAdviceItEndsWith() {
        String output = """
                [INFO] --- maven-compiler-plugin:3.13.0:testCompile (default-testCompile) @ calc ---
                [ERROR] COMPILATION ERROR :\s
                [ERROR] /ws/src/test/java/demo/HostileTest.java:[13,9] unreachable statement
                [INFO] 1 error
                [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:testCompile\
                 (default-testCompile) on project calc: Compilation failure
                [ERROR] /ws/src/test/java/demo/HostileTest.java:[13,9] unreachable statement
                [ERROR] -> [Help 1]
                [ERROR]\s
                [ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.
                [ERROR] Re-run Maven using the -X switch to enable full debug logging.
                [ERROR] For more information about the errors and possible solutions, please read the following articles:
                [ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException
                """;

        assertThat(QaVerifier.failureLines(output))
                .isEqualTo("/ws/src/test/java/demo/HostileTest.java:[13,9] unreachable statement");
    }

    @Test
    void otherRunnersEndWithTheirLastLines() {
        assertThat(QaVerifier.failureLines("a\nb\nc\nd\ne\nf\n")).isEqualTo("b | c | d | e | f");
    }
}
