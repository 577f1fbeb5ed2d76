package dev.xpfleet.agent.qa.verify;

import java.util.Map;

/** Small real projects (Maven, node, pytest) and changes to them, for the QA agent's tests. */
final class Projects {

    private Projects() {}

    static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>demo</groupId>
              <artifactId>calc</artifactId>
              <version>1.0</version>
              <properties>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
                <dependency>
                  <groupId>org.junit.jupiter</groupId>
                  <artifactId>junit-jupiter</artifactId>
                  <version>5.12.2</version>
                  <scope>test</scope>
                </dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin>
                    <artifactId>maven-compiler-plugin</artifactId>
                    <version>3.13.0</version>
                    <configuration><release>17</release></configuration>
                  </plugin>
                  <plugin>
                    <artifactId>maven-resources-plugin</artifactId>
                    <version>3.3.1</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-surefire-plugin</artifactId>
                    <version>3.5.3</version>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    static final String CALCULATOR = """
            package demo;

            public class Calculator {
                public int add(int a, int b) {
                    return a + b;
                }
            }
            """;

    static final String CALCULATOR_TEST = """
            package demo;

            import static org.junit.jupiter.api.Assertions.assertEquals;

            import org.junit.jupiter.api.Test;

            class CalculatorTest {
                @Test
                void adds() {
                    assertEquals(5, new Calculator().add(2, 3));
                }
            }
            """;

    static Map<String, String> maven() {
        return Map.of(
                "pom.xml", POM,
                "src/main/java/demo/Calculator.java", CALCULATOR,
                "src/test/java/demo/CalculatorTest.java", CALCULATOR_TEST);
    }

    static final String NESTED_TEST = """
            package demo;

            import static org.junit.jupiter.api.Assertions.*;

            import org.junit.jupiter.api.Nested;
            import org.junit.jupiter.api.Test;

            class CalculatorTest {
                @Nested
                class Adding {
                    @Test
                    void adds() {
                        assertEquals(5, new Calculator().add(2, 3));
                    }
                }
            }
            """;

    /** A JUnit 5 test in a {@code @Nested} class, written with a static star import (house style). */
    static Map<String, String> mavenNested() {
        return Map.of(
                "pom.xml", POM,
                "src/main/java/demo/Calculator.java", CALCULATOR,
                "src/test/java/demo/CalculatorTest.java", NESTED_TEST);
    }

    /** multiply(), test first, and the nested class renamed around the test that was there. */
    static Map<String, String> mavenNestedRenamingChange() {
        return Map.of(
                "src/main/java/demo/Calculator.java",
                mavenGoodChange().get("src/main/java/demo/Calculator.java"),
                "src/test/java/demo/CalculatorTest.java",
                NESTED_TEST
                        .replace("class Adding", "class Arithmetic")
                        .replace(
                                "        }\n    }\n}",
                                "        }\n\n        @Test\n        void multiplies() {\n"
                                        + "            assertEquals(6, new Calculator().multiply(2, 3));\n"
                                        + "        }\n    }\n}"));
    }

    /** multiply(), test first: the new test does not compile on the base. */
    static Map<String, String> mavenGoodChange() {
        return Map.of(
                "src/main/java/demo/Calculator.java",
                CALCULATOR.replace("    }\n}", """
                            }

                            public int multiply(int a, int b) {
                                return a * b;
                            }
                        }"""),
                "src/test/java/demo/CalculatorTest.java",
                CALCULATOR_TEST.replace("    }\n}", """
                            }

                            @Test
                            void multiplies() {
                                assertEquals(6, new Calculator().multiply(2, 3));
                            }
                        }"""));
    }

    /** add() broken, with a new test that passes: CalculatorTest#adds regresses. */
    static Map<String, String> mavenBreakingChange() {
        return Map.of(
                "src/main/java/demo/Calculator.java",
                CALCULATOR.replace("return a + b;", "return a - b;"),
                "src/test/java/demo/SubtractionTest.java",
                """
                package demo;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import org.junit.jupiter.api.Test;

                class SubtractionTest {
                    @Test
                    void subtracts() {
                        assertEquals(-1, new Calculator().add(2, 3));
                    }
                }
                """);
    }

    /** A new test that passes on the base already, with a production change no test needed. */
    static Map<String, String> mavenNotTestDriven() {
        return Map.of(
                "src/main/java/demo/Calculator.java",
                CALCULATOR.replace("return a + b;", "int sum = a + b;\n        return sum;"),
                "src/test/java/demo/MoreAdditionTest.java",
                """
                package demo;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import org.junit.jupiter.api.Test;

                class MoreAdditionTest {
                    @Test
                    void addsNegatives() {
                        assertEquals(-5, new Calculator().add(-2, -3));
                    }
                }
                """);
    }

    /** A good test-first change that also builds SQL by concatenation and commits a cloud key. */
    static Map<String, String> mavenInsecureChange() {
        return Map.of("src/main/java/demo/Users.java", """
                package demo;

                import java.sql.Connection;
                import java.sql.ResultSet;
                import java.sql.SQLException;

                public class Users {
                    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLQ";

                    public static String greeting(String name) {
                        return "hello " + name;
                    }

                    public ResultSet find(Connection c, String name) throws SQLException {
                        return c.createStatement().executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
                    }

                    public static void close(AutoCloseable resource) {
                        try {
                            resource.close();
                        } catch (Exception e) {
                        }
                    }
                }
                """, "src/test/java/demo/UsersTest.java", """
                package demo;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import org.junit.jupiter.api.Test;

                class UsersTest {
                    @Test
                    void greets() {
                        assertEquals("hello ann", Users.greeting("ann"));
                    }
                }
                """);
    }

    static Map<String, String> node() {
        return Map.of("package.json", """
                {"name": "calc", "version": "1.0.0", "scripts": {"test": "node --test"}}
                """, "calc.js", "exports.add = (a, b) => a + b;\n", "test/calc.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                const calc = require('../calc.js');

                test('adds', () => assert.strictEqual(calc.add(2, 3), 5));
                """);
    }

    static Map<String, String> nodeGoodChange() {
        return Map.of(
                "calc.js",
                "exports.add = (a, b) => a + b;\nexports.multiply = (a, b) => {\n  return a * b;\n};\n",
                "test/calc.test.js",
                node().get("test/calc.test.js")
                        + "test('multiplies', () => assert.strictEqual(calc.multiply(2, 3), 6));\n");
    }

    static Map<String, String> nodeBreakingChange() {
        return Map.of(
                "calc.js", "exports.add = (a, b) => a - b;\nexports.negate = (a) => -a;\n", "test/negate.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                const calc = require('../calc.js');

                test('negates', () => assert.strictEqual(calc.negate(2), -2));
                """);
    }

    static Map<String, String> python() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a + b\n",
                "tests/test_calc.py",
                "from calc import add\n\n\ndef test_adds():\n    assert add(2, 3) == 5\n",
                "pytest.ini",
                "[pytest]\npythonpath = .\n");
    }

    static Map<String, String> pythonGoodChange() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a + b\n\n\ndef multiply(a, b):\n    product = a * b\n    return product\n",
                "tests/test_calc.py",
                "from calc import add, multiply\n\n\ndef test_adds():\n    assert add(2, 3) == 5\n\n\n"
                        + "def test_multiplies():\n    assert multiply(2, 3) == 6\n");
    }

    static Map<String, String> pythonNotTestDriven() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    total = a + b\n    return total\n",
                "tests/test_more.py",
                "from calc import add\n\n\ndef test_adds_negatives():\n    assert add(-2, -3) == -5\n");
    }

    /** A JUnit test running {@code body} next to a harmless production change (twice()). */
    static Map<String, String> mavenHostile(String body) {
        return Map.of(
                "src/main/java/demo/Calculator.java",
                CALCULATOR.replace(
                        "    }\n}", "    }\n\n    public int twice(int a) {\n        return 2 * a;\n    }\n}"),
                "src/test/java/demo/HostileTest.java",
                "package demo;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\n"
                        + "import org.junit.jupiter.api.Test;\n\nclass HostileTest {\n    @Test\n"
                        + "    void hostile() throws Exception {\n"
                        + body.indent(8)
                        + "        assertEquals(4, new Calculator().twice(2));\n    }\n}\n");
    }

    /** A node test running {@code body} (in an async function) next to a harmless production change. */
    static Map<String, String> nodeHostile(String body) {
        return Map.of(
                "calc.js",
                "exports.add = (a, b) => a + b;\nexports.twice = (a) => 2 * a;\n",
                "test/hostile.test.js",
                "const test = require('node:test');\nconst assert = require('node:assert');\n"
                        + "const calc = require('../calc.js');\n\ntest('hostile', async () => {\n"
                        + body.indent(2)
                        + "  assert.strictEqual(calc.twice(2), 4);\n});\n");
    }

    /** A test that does {@code body} (hostile), next to a good production change. */
    static Map<String, String> pythonHostile(String body) {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a + b\n\n\ndef double(a):\n    return 2 * a\n",
                "tests/test_hostile.py",
                "import os, socket, subprocess, time\nfrom calc import double\n\n\ndef test_hostile():\n"
                        + body.indent(4)
                        + "    assert double(2) == 4\n");
    }

    /** add() broken, with a new passing test: test_adds regresses. */
    static Map<String, String> pythonBreakingChange() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a - b\n\n\ndef negate(a):\n    return -a\n",
                "tests/test_negate.py",
                "from calc import negate\n\n\ndef test_negates():\n    assert negate(2) == -2\n");
    }

    /** A test-first change whose production code also commits a cloud key. */
    static Map<String, String> pythonKeyChange() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a + b\n\n\nAWS_KEY = 'AKIAIOSFODNN7EXAMPLQ'\n\n\ndef key():\n    return AWS_KEY\n",
                "tests/test_key.py",
                "from calc import key\n\n\ndef test_key():\n    assert key().startswith('AKIA')\n");
    }

    /** A test-first change with a branch no test runs: 2 of its 5 executable lines uncovered. */
    static Map<String, String> pythonUncoveredChange() {
        return Map.of(
                "calc.py",
                "def add(a, b):\n    return a + b\n\n\ndef divide(a, b):\n    if b == 0:\n"
                        + "        message = 'division by zero'\n        raise ValueError(message)\n    return a / b\n",
                "tests/test_divide.py",
                "from calc import divide\n\n\ndef test_divides():\n    assert divide(6, 3) == 2\n");
    }

    /** New node test that passes on the base already. */
    static Map<String, String> nodeNotTestDriven() {
        return Map.of(
                "calc.js",
                "exports.add = (a, b) => {\n  const sum = a + b;\n  return sum;\n};\n",
                "test/more.test.js",
                """
                const test = require('node:test');
                const assert = require('node:assert');
                const calc = require('../calc.js');

                test('adds negatives', () => assert.strictEqual(calc.add(-2, -3), -5));
                """);
    }

    /**
     * A test-first change whose pom also runs Ant during the build to plant a file in the Maven
     * repository it is given: a change touching the build files, with hostile intent.
     */
    static Map<String, String> mavenPlantingChange() {
        Map<String, String> change = new java.util.HashMap<>(mavenGoodChange());
        change.put(
                "pom.xml",
                POM.replace(
                        "<plugins>",
                        "<plugins><plugin><artifactId>maven-antrun-plugin</artifactId><version>3.1.0</version>"
                                + "<executions><execution><phase>generate-sources</phase><goals><goal>run</goal></goals>"
                                + "<configuration><target><echo file=\"${settings.localRepository}/planted.txt\""
                                + " message=\"x\"/></target></configuration></execution></executions></plugin>"));
        return change;
    }
}
