package io.chatroom.examples.spring;

import io.chatroom.Hub;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application with chat: the starter serves the endpoint at {@code chatroom.path}
 * (application.properties), and chatroom-web's page at {@code /} talks to it ({@code static/chatroom.json}
 * names the endpoint; {@link PageHeaders} adds the page's Content-Security-Policy). The controller shows the
 * {@link Hub} bean at work: {@code curl -d room=lobby -d 'text=Maintenance at 22:00' localhost:8080/notices}.
 */
@SpringBootApplication
public class ChatApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }

    /** Posts a server notice into a room from application code. */
    @RestController
    static class Notices {

        private final Hub hub;

        Notices(Hub hub) {
            this.hub = hub;
        }

        @PostMapping("/notices")
        String post(@RequestParam("room") String room, @RequestParam("text") String text) {
            hub.notice(room, text);
            return "posted to " + room + "\n";
        }
    }
}
