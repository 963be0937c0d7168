package io.chatroom.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application of the tests: nothing but Spring Boot's auto-configuration, as an
 * application that only added the starter. Tests add their beans with a configuration of
 * their own.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ChatApp {
}
