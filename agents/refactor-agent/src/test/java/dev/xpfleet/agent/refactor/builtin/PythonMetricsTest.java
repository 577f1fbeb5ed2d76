package dev.xpfleet.agent.refactor.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PythonMetricsTest {

    @Test
    void countsBranchesOfEachFunctionButNotInStringsOrComments() {
        String source = """
                import os


                def simple(a):
                    return a  # if this were a branch it would count


                def branchy(self, weight, zone, express=False, *, member: bool = False):
                    \"\"\"Says "if" and "or" in its docstring: not branches.\"\"\"
                    if weight <= 0 and zone:
                        raise ValueError("weight or zone")
                    elif zone == "x" or zone == "y":
                        pass
                    else:
                        pass
                    for i in range(3):
                        while i:
                            i -= 1
                    try:
                        os.getcwd()
                    except OSError:
                        pass
                    return 1 if express else 2


                class Shop:
                    async def method(self, a, b, c, d, e, f, g, h):
                        return [x for x in a if x]
                """;

        List<JavaMetrics.Method> functions = PythonMetrics.of(source);

        assertThat(functions).extracting(JavaMetrics.Method::name).containsExactly("simple", "branchy", "method");
        assertThat(functions.get(0).complexity()).isEqualTo(1);
        assertThat(functions.get(0).lines()).isEqualTo(2);
        // 1 + if, and, elif, or, for, while, except, if (conditional expression)
        assertThat(functions.get(1).complexity()).isEqualTo(9);
        assertThat(functions.get(1).parameters()).isEqualTo(4);
        assertThat(functions.get(1).line()).isEqualTo(8);
        assertThat(functions.get(2).parameters()).isEqualTo(8);
        assertThat(functions.get(2).complexity())
                .as("for and if of the comprehension")
                .isEqualTo(3);
    }

    @Test
    void oddSignaturesAndTabsDoNotTripItUp() {
        String source =
                "def f(s, d=\",=,\", *, e: int = 1):\n\tif s:\n\t\treturn d\n\treturn e\n\n\ndef g():\n\tpass\n";

        List<JavaMetrics.Method> functions = PythonMetrics.of(source);

        assertThat(functions).extracting(JavaMetrics.Method::name).containsExactly("f", "g");
        assertThat(functions.get(0).complexity()).isEqualTo(2);
        assertThat(functions.get(0).lines()).isEqualTo(4);
    }
}
