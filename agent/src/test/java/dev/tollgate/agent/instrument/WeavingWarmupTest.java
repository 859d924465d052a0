package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The warm-up must go down the same path as a real metered class, or it warms nothing: its sample is a
 * class {@link DirectWeaver} takes, finds one metered method in, and weaves the bridge calls into.
 */
class WeavingWarmupTest {

    @Test
    void theSampleIsWovenOnTheDirectPath() {
        byte[] sample = WeavingWarmup.sample();
        assertThat(ClassPeek.look(sample).mentions).isTrue();
        DirectWeaver.Choice choice = DirectWeaver.choose(sample);
        assertThat(choice).isNotNull();
        assertThat(choice.metered).hasSize(1);
        assertThat(choice.metered.get(0).feature()).isEqualTo("warmup");

        byte[] woven = WeavingWarmup.weave(sample);
        assertThat(woven).isNotNull();
        StringBuilder calls = new StringBuilder();
        new ClassReader(woven).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        calls.append(owner).append('.').append(method).append(' ');
                    }
                };
            }
        }, 0);
        assertThat(calls.toString()).contains("dev/tollgate/agent/bridge/Bridge.enter")
                .contains("dev/tollgate/agent/bridge/Bridge.exit");
    }
}
