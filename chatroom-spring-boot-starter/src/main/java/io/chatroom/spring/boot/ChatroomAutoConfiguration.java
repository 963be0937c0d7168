package io.chatroom.spring.boot;

import io.chatroom.ChatSettings;
import io.chatroom.Hub;
import io.chatroom.HubListener;
import io.chatroom.jakarta.JakartaChat;
import io.chatroom.spi.Authenticator;
import io.chatroom.spi.Broker;
import io.chatroom.spi.MessageFilter;
import io.chatroom.spi.MessageStore;
import io.chatroom.spi.OriginPolicy;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.websocket.server.ServerContainer;
import java.util.EnumSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Serves a chat endpoint in a servlet web application (Spring Boot 3.5 or 4.0; Tomcat, or another
 * container with Jakarta WebSocket 2.1): a {@link Hub} bean built from the
 * {@link ChatroomProperties chatroom.* properties} and the application's beans, served at
 * {@code chatroom.path} by {@link JakartaChat}'s servlet filter, which refuses before the
 * upgrade with real HTTP statuses.
 *
 * <p>The application's beans it uses, each optional: an {@link Authenticator}, a
 * {@link MessageStore}, a {@link Broker}, an {@link OriginPolicy} (instead of
 * {@code chatroom.allowed-origins}), a {@link MessageFilter} (at most one of each; two fail the
 * startup unless one is {@code @Primary}), every {@link HubListener} in order (instead of the
 * default that logs; add {@code HubListener.logging()} as a bean to keep it), and every
 * {@link ChatroomSettingsCustomizer}. An application that defines its own {@link Hub} bean gets
 * that hub served instead, and the {@code chatroom.*} settings do not apply to it.
 *
 * <p>When the context closes, the hub drains (503 for new upgrades, queues flushed, close 1001)
 * in phase {@link #SHUTDOWN_PHASE}, before the web server stops; the hub closes the broker once
 * drained. Off with {@code chatroom.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Hub.class, JakartaChat.class, ServerContainer.class })
@ConditionalOnProperty(prefix = ChatroomProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ChatroomProperties.class)
public final class ChatroomAutoConfiguration {

    /**
     * The {@link SmartLifecycle} phase in which the hub drains: {@code DEFAULT_PHASE - 512}, so
     * it stops after the beans of the default phase and before the web server's graceful shutdown
     * ({@code DEFAULT_PHASE - 1024}) and stop, which would cut the connections without a close
     * frame.
     */
    public static final int SHUTDOWN_PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    /** The name of the endpoint's servlet filter: {@code chatroomFilter}. */
    public static final String FILTER_NAME = "chatroomFilter";

    /** Made by Spring. */
    public ChatroomAutoConfiguration() {
    }

    /** The hub; its shutdown belongs to the lifecycle bean, not to a destroy method. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    Hub chatroomHub(ChatroomProperties properties, ObjectProvider<Authenticator> authenticator,
                    ObjectProvider<MessageStore> messageStore, ObjectProvider<Broker> broker,
                    ObjectProvider<OriginPolicy> originPolicy, ObjectProvider<MessageFilter> messageFilter,
                    ObjectProvider<HubListener> listeners, ObjectProvider<ChatroomSettingsCustomizer> customizers) {
        ChatSettings settings;
        try {
            ChatSettings.Builder builder = properties.toSettings();
            authenticator.ifAvailable(builder::authenticator);
            messageStore.ifAvailable(builder::messageStore);
            broker.ifAvailable(builder::broker);
            originPolicy.ifAvailable(builder::originPolicy);
            messageFilter.ifAvailable(builder::messageFilter);
            builder.listener(ListenerChain.of(listeners.orderedStream().toList()));
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            settings = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ChatroomProperties.namingTheProperty(e.getMessage()), e);
        }
        return Hub.create(settings);
    }

    /** The adapter serving the hub at {@code chatroom.path}; closed (its few threads) when the context is. */
    @Bean
    @ConditionalOnMissingBean
    JakartaChat chatroomEndpoint(Hub hub, ChatroomProperties properties) {
        return JakartaChat.create(hub, properties.getPath());
    }

    /**
     * The adapter's filter, mapped to the endpoint's path for requests, with async support. The
     * container initializes it after its WebSocket support, whose container it needs.
     */
    @Bean
    @ConditionalOnMissingBean(name = FILTER_NAME)
    FilterRegistrationBean<Filter> chatroomFilter(JakartaChat chat, ChatroomProperties properties) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(chat.filter());
        registration.setName(FILTER_NAME);
        registration.addUrlPatterns(chat.path());
        registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
        registration.setAsyncSupported(true);
        registration.setOrder(properties.getFilterOrder());
        return registration;
    }

    @Bean
    ChatroomLifecycle chatroomLifecycle(Hub hub, JakartaChat chat) {
        return new ChatroomLifecycle(hub, chat.path());
    }
}
