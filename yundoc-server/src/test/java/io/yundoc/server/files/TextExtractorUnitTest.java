package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The extractor process against hostile files: each costs that process its heap or its time budget, is reported with
 * its reason, and the next file is extracted by a fresh process.
 */
// integration phase (Failsafe, mvn verify): the extractor child process
@Tag("integration")
class TextExtractorUnitTest {

    static Path write(Path dir, String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void aBombThatExhaustsTheHeapEndsOnlyTheExtractorAndTheNextFileIsRead() throws Exception {
        Path dir = Files.createTempDirectory("extract");
        try (TextExtractor x = new TextExtractor(Duration.ofMinutes(2), 64L << 20, ContentIndex.MAX_CHARS)) {
            TextExtractor.Outcome bomb = x.extract(write(dir, "bomb.pdf", Bombs.pdf(250)), "bomb.pdf");
            assertThat(bomb.kind()).as(bomb.failure()).isEqualTo(TextExtractor.Kind.OUT_OF_MEMORY);
            assertThat(bomb.failure()).contains("out of memory").contains("64m");
            long first = x.pid();
            assertThat(first).as("the process that ran out of memory is gone").isEqualTo(-1);

            TextExtractor.Outcome ok =
                    x.extract(write(dir, "ok.docx", OfficeSamples.docx("quarterly zebra")), "ok.docx");
            assertThat(ok.failure()).isNull();
            assertThat(ok.text()).contains("quarterly zebra");
            assertThat(x.starts()).isEqualTo(2);

            // encrypted and truncated files are reported by the same process, which then goes on
            TextExtractor.Outcome enc =
                    x.extract(write(dir, "enc.docx", Bombs.encryptedDocx("secret words")), "enc.docx");
            assertThat(enc.kind()).isEqualTo(TextExtractor.Kind.UNREADABLE);
            assertThat(enc.failure()).isEqualTo("encrypted");
            TextExtractor.Outcome cut = x.extract(write(dir, "cut.docx", Bombs.truncatedDocx("cut words")), "cut.docx");
            assertThat(cut.kind()).isEqualTo(TextExtractor.Kind.UNREADABLE);
            assertThat(cut.failure())
                    .startsWith("unreadable (")
                    .doesNotContain("\n")
                    .doesNotContain("\tat ");
            assertThat(x.extract(dir.resolve("ok.docx"), "ok.docx").text()).contains("quarterly zebra");
            assertThat(x.starts()).isEqualTo(2);
        }
    }

    @Test
    void aFileOverItsTimeBudgetIsKilledAndTheCapCutsTextWhileParsing() throws Exception {
        Path dir = Files.createTempDirectory("extract");
        // a 2 s budget and a 1 GiB heap: the bomb's parse reaches the budget long before the heap (with 8 s and 256 MiB
        // an idle machine ran out of memory first, a loaded one out of time)
        try (TextExtractor x = new TextExtractor(Duration.ofSeconds(2), 1024L << 20, 1000)) {
            // warm the process up first: its start is not part of a file's budget, but make the budget the only limit.
            // A fresh extractor's first parse loads Tika's classes inside the 2 s; on a loaded machine that alone can
            // run out of time, so the warm-up may take a second process (the bomb below is what is under test)
            Path longDocx = write(dir, "long.docx", OfficeSamples.docx("word ".repeat(5000)));
            TextExtractor.Outcome longText = x.extract(longDocx, "long.docx");
            for (int retry = 0; retry < 2 && longText.kind() == TextExtractor.Kind.TIMEOUT; retry++) {
                longText = x.extract(longDocx, "long.docx");
            }
            assertThat(longText.failure()).isNull();
            int startsBeforeTheBomb = x.starts();
            assertThat(longText.text().length()).as("cut at the write limit").isEqualTo(1000);
            long pid = x.pid();
            long t0 = System.nanoTime();
            TextExtractor.Outcome bomb = x.extract(write(dir, "bomb.docx", Bombs.docx(300)), "bomb.docx");
            assertThat(bomb.kind()).as(bomb.failure()).isEqualTo(TextExtractor.Kind.TIMEOUT);
            assertThat(bomb.failure()).isEqualTo("extraction took longer than 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(25));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the killed process")
                    .isFalse();
            assertThat(x.extract(write(dir, "ok.docx", OfficeSamples.docx("after the bomb")), "ok.docx")
                            .text())
                    .contains("after the bomb");
            assertThat(x.starts()).as("one new process after the killed one").isEqualTo(startsBeforeTheBomb + 1);
        }
    }

    @Test
    void anExtractorThatCannotStartIsNotTheFilesFault() throws Exception {
        Path dir = Files.createTempDirectory("extract");
        try (TextExtractor x = new TextExtractor(
                Duration.ofSeconds(5), 1000, dir.resolve("no-such-java").toString(), 64L << 20)) {
            TextExtractor.Outcome o = x.extract(write(dir, "ok.docx", OfficeSamples.docx("words")), "ok.docx");
            assertThat(o.kind()).isEqualTo(TextExtractor.Kind.UNAVAILABLE);
            assertThat(o.failure()).startsWith("the extractor process could not start");
        }
    }
}
