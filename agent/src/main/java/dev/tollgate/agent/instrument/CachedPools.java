package dev.tollgate.agent.instrument;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Type pools that keep parsed class files per class loader, so that walking the supertypes of many
 * classes parses each supertype once. Class loaders are held weakly: a dropped plugin loader takes its
 * cache with it.
 */
final class CachedPools implements AgentBuilder.PoolStrategy {

    private static final Object BOOTSTRAP = new Object();

    private final Map<Object, TypePool.CacheProvider> caches =
            Collections.synchronizedMap(new WeakHashMap<Object, TypePool.CacheProvider>());

    @Override
    public TypePool typePool(ClassFileLocator locator, ClassLoader loader) {
        return new TypePool.Default.WithLazyResolution(cache(loader), locator, TypePool.Default.ReaderMode.FAST);
    }

    @Override
    public TypePool typePool(ClassFileLocator locator, ClassLoader loader, String name) {
        return typePool(locator, loader);
    }

    private TypePool.CacheProvider cache(ClassLoader loader) {
        Object key = loader == null ? BOOTSTRAP : loader;
        synchronized (caches) {
            TypePool.CacheProvider cache = caches.get(key);
            if (cache == null) {
                cache = TypePool.CacheProvider.Simple.withObjectType();
                caches.put(key, cache);
            }
            return cache;
        }
    }
}
