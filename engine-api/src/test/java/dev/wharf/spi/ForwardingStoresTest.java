package dev.wharf.spi;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forwarding bases pass every method of their SPI through, the defaulted ones included (a decorator must
 * not silently replace a store's own {@code sync} or {@code manifestContent} with the interface default),
 * with the caller's arguments, and hand back what the delegate answered.
 */
class ForwardingStoresTest {

    static Stream<Arguments> everyMethod() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, MetadataStore.class, delegate -> new ForwardingMetadataStore(delegate) { });
        add(cases, BlobStore.class, delegate -> new ForwardingBlobStore(delegate) { });
        return cases.stream();
    }

    private static <S> void add(List<Arguments> cases, Class<S> spi, Function<S, S> forwarding) {
        for (Method method : spi.getMethods()) {
            if (!Modifier.isStatic(method.getModifiers())) {
                cases.add(Arguments.of(spi.getSimpleName() + "." + method.getName(), spi, forwarding, method));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyMethod")
    <S> void shouldForwardEveryMethodWithItsArgumentsAndAnswer(String name, Class<S> spi, Function<S, S> forwarding,
                                                               Method method) throws Exception {
        List<Object[]> calls = new ArrayList<>();
        List<Method> called = new ArrayList<>();
        Object answer = sampleAnswer(method.getReturnType());
        S delegate = spi.cast(Proxy.newProxyInstance(spi.getClassLoader(), new Class<?>[] {spi}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return identity(proxy, m, args);
            }
            called.add(m);
            calls.add(args == null ? new Object[0] : args);
            return answer;
        }));
        S store = forwarding.apply(delegate);
        Object[] arguments = Arrays.stream(method.getParameterTypes()).map(ForwardingStoresTest::sampleArgument)
                .toArray();

        Object result;
        try {
            result = method.invoke(store, arguments);
        } catch (InvocationTargetException e) {
            throw new AssertionError(name + " threw instead of forwarding", e.getCause());
        }

        assertThat(called).as("%s reaches the delegate once, as itself", name).containsExactly(method);
        assertThat(calls.get(0)).as("%s passes its arguments through", name).containsExactly(arguments);
        if (method.getReturnType() != void.class) {
            assertThat(result).as("%s hands back the delegate's answer", name).isEqualTo(answer);
        }
    }

    /** A distinctive value of each parameter type the SPIs use (null where any reference will do). */
    private static Object sampleArgument(Class<?> type) {
        if (type == int.class) {
            return 41;
        }
        if (type == long.class) {
            return 43L;
        }
        if (type == String.class) {
            return "argument";
        }
        if (type == RepositoryName.class) {
            return RepositoryName.of("forwarding/sample");
        }
        if (type == dev.wharf.api.Digest.class) {
            return DigestAlgorithm.SHA256.digest("sample".getBytes(StandardCharsets.UTF_8));
        }
        if (type == Tag.class) {
            return Tag.of("sample");
        }
        if (type == Instant.class) {
            return Instant.ofEpochMilli(1_234_567L);
        }
        if (type == Optional.class) {
            return Optional.of("after");
        }
        if (type.isInterface()) {
            return inert(type);
        }
        return null;
    }

    /** A delegate's answer that no default implementation would produce by itself. */
    private static Object sampleAnswer(Class<?> type) {
        if (type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == Optional.class) {
            return Optional.of("answer");
        }
        if (type == OptionalLong.class) {
            return OptionalLong.of(5 * 1024 * 1024);
        }
        if (type == List.class) {
            return List.of("answer");
        }
        if (type == Page.class) {
            return new Page<>(List.of("answer"), true);
        }
        if (type.isInterface()) {
            return inert(type);
        }
        throw new IllegalArgumentException("no sample answer of " + type + ": extend the test");
    }

    /** An instance of an interface that does nothing: it is only passed around and compared by identity. */
    private static Object inert(Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> m.getDeclaringClass() == Object.class ? identity(proxy, m, args) : null);
    }

    /** {@code equals}, {@code hashCode} and {@code toString} of a proxy, by identity. */
    private static Object identity(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "proxy";
        };
    }
}
