package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Identifier formats of api.md §8 and the accepted-id rule of §1.3. */
@ExtendWith(SeededCases.ReplayHint.class)
class IdsTest {

    private static final int N = 500;
    private final Ids secure = new Ids(new SecureRandom());

    @Test
    void token256Is43UrlSafeBase64CharactersOf32Bytes() {
        for (int i = 0; i < N; i++) {
            String t = secure.token256();
            assertThat(t).hasSize(43).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(t)).hasSize(32);
        }
    }

    @Test
    void lowerTokenIs32LowercaseLetters() {
        for (int i = 0; i < N; i++) {
            assertThat(secure.lowerToken()).matches("[a-z]{32}");
        }
    }

    @Test
    void sidIs12Alphanumerics() {
        for (int i = 0; i < N; i++) {
            assertThat(secure.sid()).matches("[A-Za-z0-9]{12}");
        }
    }

    @Test
    void appKeyIs32Alphanumerics() {
        for (int i = 0; i < N; i++) {
            assertThat(secure.appKey()).matches("[A-Za-z0-9]{32}");
        }
    }

    @Test
    void appIdIsSxDateAndSixUppercaseLetters() {
        for (int i = 0; i < N; i++) {
            assertThat(secure.appId(LocalDate.of(2022, 1, 1))).matches("SX20220101[A-Z]{6}");
        }
        assertThat(secure.appId(LocalDate.of(2025, 12, 9)))
                .startsWith("SX20251209")
                .hasSize(16);
    }

    @Test
    void editTokenIsExchangeTokenAnd48LowercaseLetters() {
        for (int i = 0; i < N; i++) {
            assertThat(secure.editToken()).matches("ExchangeToken-[a-z]{48}");
        }
    }

    @Test
    void bytesHaveTheRequestedLength() {
        assertThat(secure.bytes(0)).isEmpty();
        assertThat(secure.bytes(32)).hasSize(32);
        assertThat(secure.bytes(1000)).hasSize(1000);
    }

    @Test
    void documentedExamplesHaveTheDocumentedFormats() {
        assertThat("SX20220101ABCDEF").matches("SX\\d{8}[A-Z]{6}");
        assertThat("wfoKKYzWR2jyxMHCFVuBxXGszbfEtqUJ1pa5eD4tRLc").matches("[A-Za-z0-9_-]{43}");
        assertThat("kvqxrspxjctdojjqdildjhonzwusaquc").matches("[a-z]{32}");
        assertThat("cgvAMCMGhZaa").matches("[A-Za-z0-9]{12}");
    }

    @Test
    void alphabetsAreFullyUsed() {
        // with enough draws every letter of each alphabet shows up: no letter is accidentally left out
        Ids ids = new Ids(new Random(7));
        Set<Character> lower = new HashSet<>();
        Set<Character> alnum = new HashSet<>();
        Set<Character> b64 = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            ids.lowerToken().chars().forEach(c -> lower.add((char) c));
            ids.appKey().chars().forEach(c -> alnum.add((char) c));
            ids.token256().chars().forEach(c -> b64.add((char) c));
        }
        assertThat(lower).hasSize(26);
        assertThat(alnum).hasSize(62);
        assertThat(b64).hasSize(64);
    }

    // ------------------------------------------------------------------ determinism

    private static List<String> sequence(Ids ids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(ids.token256());
            out.add(ids.lowerToken());
            out.add(ids.sid());
            out.add(ids.appKey());
            out.add(ids.appId(LocalDate.of(2022, 1, 1)));
            out.add(ids.editToken());
            out.add(Base64.getEncoder().encodeToString(ids.bytes(16)));
        }
        return out;
    }

    @Test
    void seededRandomGivesTheSameSequenceTwice() {
        assertThat(sequence(new Ids(new Random(42)))).isEqualTo(sequence(new Ids(new Random(42))));
    }

    @Test
    void differentSeedsGiveDifferentSequences() {
        assertThat(sequence(new Ids(new Random(42)))).isNotEqualTo(sequence(new Ids(new Random(43))));
    }

    static Stream<SeededCases.Case> cases50() {
        return SeededCases.cases(50);
    }

    static Stream<SeededCases.Case> cases200() {
        return SeededCases.cases(200);
    }

    static Stream<SeededCases.Case> cases1000() {
        return SeededCases.cases(1000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases50")
    void anySeedIsDeterministic(SeededCases.Case k) {
        long seed = k.random().nextLong();
        assertThat(sequence(new Ids(new Random(seed)))).isEqualTo(sequence(new Ids(new Random(seed))));
    }

    @Test
    void secureRandomGivesDistinctValues() {
        assertDistinct(Ids::token256);
        assertDistinct(Ids::lowerToken);
        assertDistinct(Ids::appKey);
        assertDistinct(Ids::editToken);
        assertDistinct(Ids::sid);
        assertDistinct(ids -> ids.appId(LocalDate.of(2022, 1, 1)));
        assertThat(new Ids(new SecureRandom()).token256()).isNotEqualTo(new Ids(new SecureRandom()).token256());
    }

    private void assertDistinct(Function<Ids, String> gen) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(gen.apply(secure));
        }
        // appId has 26^6 ≈ 3e8 values: a single collision among 1000 is possible but rarer than 1 in 600
        assertThat(seen).hasSizeGreaterThanOrEqualTo(999);
    }

    // ------------------------------------------------------------------ accepted ids

    @ParameterizedTest
    @ValueSource(
            strings = {
                "t2v4Ga8ZUYKc12KGMdEQpBh",
                "777",
                "a",
                "_",
                "-",
                "cgvAMCMGhZaa",
                "wfoKKYzWR2jyxMHCFVuBxXGszbfEtqUJ1pa5eD4tRLc",
                "ExchangeToken-abc",
                "A-b_C-9",
                "0123456789012345678901234567890123456789012345678901234567890123"
            })
    void acceptedIds(String id) {
        assertThat(Ids.accepted(id)).isTrue();
        assertThat(Ids.ACCEPTED.matcher(id).matches()).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                " ",
                "a b",
                "a/b",
                "a.b",
                "..",
                "a%20b",
                "a+b",
                "a=b",
                "ä",
                "文档",
                "a\n",
                "\na",
                "a\u0000",
                "t2v4Ga8ZUYKc12KGMdEQpBh ",
                "01234567890123456789012345678901234567890123456789012345678901234"
            })
    void rejectedIds(String id) {
        assertThat(Ids.accepted(id)).isFalse();
    }

    @Test
    void lengthLimitIs64() {
        assertThat(Ids.accepted("x".repeat(64))).isTrue();
        assertThat(Ids.accepted("x".repeat(65))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases200")
    void everyGeneratedIdIsAccepted(SeededCases.Case k) {
        Ids ids = new Ids(k.random());
        assertThat(ids.token256()).matches(Ids.ACCEPTED);
        assertThat(ids.lowerToken()).matches(Ids.ACCEPTED);
        assertThat(ids.sid()).matches(Ids.ACCEPTED);
        assertThat(ids.appKey()).matches(Ids.ACCEPTED);
        assertThat(ids.appId(LocalDate.of(2022, 1, 1))).matches(Ids.ACCEPTED);
        assertThat(Ids.accepted(ids.editToken())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases1000")
    void acceptedAgreesWithTheDocumentedRegex(SeededCases.Case k) {
        Random r = k.random();
        int length = r.nextInt(0, 81);
        String alphabet = "ABCxyz019_-./ %+äé\n";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        String s = sb.toString();
        assertThat(Ids.accepted(s)).isEqualTo(s.matches("[A-Za-z0-9_-]{1,64}"));
    }
}
