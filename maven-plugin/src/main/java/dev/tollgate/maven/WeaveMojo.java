package dev.tollgate.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import dev.tollgate.agent.instrument.BuildWeaver;

/**
 * Weaves the {@code @Metered} methods of the compiled classes in place, with the agent's own rules and advice
 * ({@link BuildWeaver}), so that the product is metered with {@code dev.tollgate:tollgate-agent} on its class
 * path and no {@code -javaagent}; a woven method whose runtime is missing denies. Runs after compilation
 * ({@code process-classes}); classes woven by an earlier build are left as they are.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.tollgate</groupId>
 *   <artifactId>tollgate-maven-plugin</artifactId>
 *   <version>0.1.0</version>
 *   <executions><execution><goals><goal>weave</goal></goals></execution></executions>
 * </plugin>
 * }</pre>
 *
 * A class that cannot be woven (an interface with a metered default method, a class file older than Java 7)
 * fails the build and nothing is written: a metered method left unwoven would run free.
 */
@Mojo(name = "weave", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.COMPILE)
public class WeaveMojo extends AbstractMojo {

    /** The compiled classes, woven in place. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    File classesDirectory;

    /** The compile class path: where the supertypes of the classes are (an override of a metered method). */
    @Parameter(defaultValue = "${project.compileClasspathElements}", readonly = true, required = true)
    List<String> classpathElements = new ArrayList<>();

    /** Leaves the classes unwoven: they are then metered only under {@code -javaagent}, and run free without. */
    @Parameter(property = "tollgate.weave.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().warn("Tollgate weaving skipped (tollgate.weave.skip): the @Metered methods of " + classesDirectory
                    + " are metered only under -javaagent");
            return;
        }
        if (!classesDirectory.isDirectory()) {
            getLog().info("Tollgate: no classes to weave in " + classesDirectory);
            return;
        }
        Path classes = classesDirectory.toPath();
        List<Path> classpath = new ArrayList<>();
        for (String element : classpathElements) {
            Path p = new File(element).toPath();
            if (!p.toAbsolutePath().normalize().equals(classes.toAbsolutePath().normalize())) {
                classpath.add(p);
            }
        }
        BuildWeaver.Result result = BuildWeaver.weave(classes, classpath);
        for (String warning : result.warnings()) {
            getLog().warn("Tollgate: " + warning);
        }
        if (!result.problems().isEmpty()) {
            for (String problem : result.problems()) {
                getLog().error("Tollgate: " + problem);
            }
            throw new MojoFailureException("Tollgate wove nothing in " + classesDirectory + ": "
                    + result.problems().size() + " class(es) cannot be woven, first " + result.problems().get(0));
        }
        getLog().info("Tollgate: " + result.summary());
    }
}
