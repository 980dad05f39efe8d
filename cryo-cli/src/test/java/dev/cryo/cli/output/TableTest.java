package dev.cryo.cli.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest {

    @Test
    void alignsColumnsAndRightAlignsMarkedOnes() {
        String s = new Table("ID", ">SIZE", "NAME")
                .row("a", "1 B", "web")
                .row("bbbb", "10.0 MiB", "")
                .render("  ");
        assertEquals("""
                  ID        SIZE  NAME
                  a          1 B  web
                  bbbb  10.0 MiB
                """, s);
    }

    @Test
    void rowsMustFitTheColumns() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
